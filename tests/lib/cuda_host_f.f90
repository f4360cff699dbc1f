! cuda_host_f.f90: the CUDA calls of tyles_lib.f90 on libtyles.a (the host library). A context on
! a CUDA device is refused with the C library's message, and a plain context works after it;
! tyles_array_copy_in and tyles_array_copy_out move this rank's block of a host array in and out
! (Fortran order: the block's extents from tyles_layout), and tyles_ctx_sync returns TYL_OK.
! Prints the message and the check (tests/lib/run.sh, 1 and 2 ranks). On libtyles_cuda.a the
! same calls reach the device (samples/app_cuda/app_f.f90, make check-gpu).
program cuda_host_f
  use, intrinsic :: iso_c_binding
  use mpi
  use tyles_lib
  implicit none
  type(c_ptr) :: ctx, a
  integer :: ierr, provided, me, st, same, all_same
  integer(c_int64_t) :: lo(2), hi(2), i, j
  integer(c_size_t) :: nbytes
  real(c_double), allocatable, target :: blk(:, :), back(:, :)
  real(c_double), pointer :: p(:, :)

  call MPI_Init_thread(MPI_THREAD_FUNNELED, provided, ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, me, ierr)
  st = tyles_ctx_create_cuda(MPI_COMM_WORLD, 2, 0, c_null_ptr, ctx)
  if (me == 0) write (*, '(i0, 1x, a)') st, tyles_error(c_null_ptr)
  st = tyles_ctx_create(MPI_COMM_WORLD, 2, ctx)
  st = ior(st, tyles_layout(ctx, TYL_FLOAT64, [6_c_int64_t, 5_c_int64_t], [1, 1], lo, hi, nbytes))
  st = ior(st, tyles_array_create(ctx, TYL_FLOAT64, [6_c_int64_t, 5_c_int64_t], a, halo=[1, 1]))
  allocate(blk(lo(1):hi(1), lo(2):hi(2)), back(lo(1):hi(1), lo(2):hi(2)))
  do i = lo(2), hi(2)
    do j = lo(1), hi(1)
      blk(j, i) = 10 * i + j
    end do
  end do
  back = -1
  st = ior(st, tyles_array_copy_in(ctx, a, c_loc(blk)))
  st = ior(st, tyles_array_copy_out(ctx, a, c_loc(back)))
  st = ior(st, tyles_ctx_sync(ctx))
  st = ior(st, tyles_local(a, p))
  same = 1
  do i = lo(2), hi(2)
    do j = lo(1), hi(1)
      if (nint(back(j, i)) /= 10 * i + j .or. nint(p(j, i)) /= 10 * i + j) same = 0
    end do
  end do
  call MPI_Allreduce(same, all_same, 1, MPI_INTEGER, MPI_MIN, MPI_COMM_WORLD, ierr)
  if (me == 0) write (*, '(i0, a, a)') st, " block in and out ", trim(merge("alike    ", "DIFFERENT", all_same == 1))
  st = tyles_ctx_destroy(ctx)
  call MPI_Finalize(ierr)
end program
