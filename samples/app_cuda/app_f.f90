! app_f.f90: the CUDA application of app.c, in Fortran: it owns MPI, its GPU and its stream
! (cudaSetDevice and cudaStreamCreate through bind(C), no CUDA Fortran needed), creates the
! context on them (tyles_ctx_create_cuda), fills an array the context makes on the device from
! a host array of this rank's block (tyles_array_copy_in), calls heat_step `steps` times and
! heat_hottest once, copies the block back (tyles_array_copy_out) and checks it bit for bit
! against heat.npy, which the same heat.tyl run as a C program wrote. Axes are Fortran's: the
! program's u[i, j] is blk(j + 1, i + 1) here. Built with nvcc in make check-lib; it runs only
! on a GPU (make check-gpu).
program app_f
  use, intrinsic :: iso_c_binding
  use, intrinsic :: iso_fortran_env, only: int8, int64, real64
  use mpi
  use tyles_lib
  use heat_mod
  implicit none
  interface
    integer(c_int) function cudaGetDeviceCount(n) bind(C, name="cudaGetDeviceCount")
      import :: c_int
      integer(c_int), intent(out) :: n
    end function
    integer(c_int) function cudaSetDevice(dev) bind(C, name="cudaSetDevice")
      import :: c_int
      integer(c_int), value :: dev
    end function
    integer(c_int) function cudaStreamCreate(s) bind(C, name="cudaStreamCreate")
      import :: c_int, c_ptr
      type(c_ptr), intent(out) :: s
    end function
    integer(c_int) function cudaStreamDestroy(s) bind(C, name="cudaStreamDestroy")
      import :: c_int, c_ptr
      type(c_ptr), value :: s
    end function
  end interface
  integer, parameter :: n = 48, steps = 20
  real(c_double), parameter :: alpha = 0.2d0
  type(c_ptr) :: ctx, u, stream
  real(c_double), allocatable, target :: blk(:, :)
  real(real64), allocatable :: want(:, :)
  integer(c_int64_t) :: lo(2), hi(2), i, j
  integer(c_size_t) :: nbytes
  integer(c_int) :: ndev
  integer :: ierr, provided, me, nranks, node, local, bad, total
  real(c_double) :: hot, gmax

  call MPI_Init_thread(MPI_THREAD_FUNNELED, provided, ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, me, ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, nranks, ierr)
  call MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, me, MPI_INFO_NULL, node, ierr)
  call MPI_Comm_rank(node, local, ierr)
  call MPI_Comm_free(node, ierr)
  call cuda(cudaGetDeviceCount(ndev), "cudaGetDeviceCount")
  call cuda(cudaSetDevice(int(mod(local, ndev), c_int)), "cudaSetDevice")
  call cuda(cudaStreamCreate(stream), "cudaStreamCreate")
  call read_npy("heat.npy", want)

  call ok(tyles_ctx_create_cuda(MPI_COMM_WORLD, HEAT_GRID_RANK, mod(local, ndev), stream, ctx), &
          "tyles_ctx_create_cuda")
  call ok(tyles_layout(ctx, TYL_FLOAT64, [int(n, c_int64_t), int(n, c_int64_t)], [HEAT_STEP_U_HALO, &
          HEAT_STEP_U_HALO], lo, hi, nbytes), "tyles_layout")
  call ok(tyles_array_create(ctx, TYL_FLOAT64, [int(n, c_int64_t), int(n, c_int64_t)], u, &
          halo=[HEAT_STEP_U_HALO, HEAT_STEP_U_HALO]), "tyles_array_create")
  allocate(blk(lo(1):hi(1), lo(2):hi(2)))
  do i = lo(2), hi(2)          ! the program's first axis
    do j = lo(1), hi(1)
      blk(j, i) = 0.0d0
      if (i == 1) blk(j, i) = 100.0d0
      if (i > n / 2 - 4 .and. i <= n / 2 + 4 .and. j > n / 2 - 4 .and. j <= n / 2 + 4) blk(j, i) = 50.0d0
    end do
  end do
  call ok(tyles_array_copy_in(ctx, u, c_loc(blk)), "tyles_array_copy_in")

  do i = 1, steps
    call ok(heat_step(ctx, u, alpha), "heat_step")
  end do
  call ok(heat_hottest(ctx, u, hot), "heat_hottest")
  call ok(tyles_array_copy_out(ctx, u, c_loc(blk)), "tyles_array_copy_out")

  bad = 0
  do i = lo(2), hi(2)
    do j = lo(1), hi(1)
      if (transfer(blk(j, i), 0_int64) /= transfer(want(j, i), 0_int64)) bad = bad + 1
    end do
  end do
  call MPI_Allreduce(bad, total, 1, MPI_INTEGER, MPI_SUM, MPI_COMM_WORLD, ierr)
  gmax = maxval(want(2:n - 1, 2:n - 1))
  if (me == 0) then
    write (*, '(a, i0, a, i0, a, i0, a, l1)') "app_cuda (Fortran): ", nranks, " rank(s), ", total, &
      " of ", n * n, " elements differ from the C program's heat.npy; hottest agrees: ", &
      transfer(hot, 0_int64) == transfer(gmax, 0_int64)
  end if
  call ok(tyles_ctx_sync(ctx), "tyles_ctx_sync")
  call ok(tyles_ctx_destroy(ctx), "tyles_ctx_destroy")
  call cuda(cudaStreamDestroy(stream), "cudaStreamDestroy")
  if (total /= 0 .or. transfer(hot, 0_int64) /= transfer(gmax, 0_int64)) then
    if (me == 0) write (*, '(a)') "app_cuda (Fortran): FAILED"
    call MPI_Abort(MPI_COMM_WORLD, 1, ierr)
  end if
  call MPI_Finalize(ierr)

contains

  subroutine ok(st, what)
    integer, intent(in) :: st
    character(len=*), intent(in) :: what
    integer :: e
    if (st == TYL_OK) return
    write (*, '(a, a, a, a)') "app_cuda (Fortran): ", what, " failed: ", tyles_error(ctx)
    call MPI_Abort(MPI_COMM_WORLD, 1, e)
  end subroutine

  subroutine cuda(st, what)
    integer(c_int), intent(in) :: st
    character(len=*), intent(in) :: what
    integer :: e
    if (st == 0) return
    write (*, '(a, a, a, i0)') "app_cuda (Fortran): ", what, " failed: CUDA error ", st
    call MPI_Abort(MPI_COMM_WORLD, 1, e)
  end subroutine

  ! A float64 .npy written by NumPy (C order): its (a, b) array is (b, a) here.
  subroutine read_npy(path, a)
    character(len=*), intent(in) :: path
    real(real64), allocatable, intent(out) :: a(:, :)
    character(len=8) :: magic
    integer(int8) :: hl(2)
    integer :: unit, hlen, e
    allocate(a(n, n))
    open (newunit=unit, file=path, access="stream", form="unformatted", status="old", iostat=e)
    if (e /= 0) then
      write (*, '(a)') "app_cuda (Fortran): cannot open heat.npy (run heat_prog first)"
      call MPI_Abort(MPI_COMM_WORLD, 1, e)
    end if
    read (unit) magic, hl
    hlen = iand(int(hl(1)), 255) + 256 * iand(int(hl(2)), 255)
    read (unit, pos=11 + hlen) a
    close (unit)
  end subroutine
end program
