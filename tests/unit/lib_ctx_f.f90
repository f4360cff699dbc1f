! lib_ctx_f.f90: a Fortran application that uses libtyles in library mode through the module
! tyles_lib (src/runtime_mpi/tyles_lib.f90): it owns MPI, makes and wraps arrays in Fortran
! order, fills its block by global 1-based indices, exchanges halos, gets errors as a status.
! Run by lib_ctx.sh at 1 and 3 ranks; prints "ok"/"FAIL" lines, exit status 1 on a failure.
program lib_ctx_f
  use mpi
  use, intrinsic :: iso_c_binding
  use tyles_lib
  implicit none
  integer :: ierr, provided, me, nranks, failures, total, i, j
  type(c_ptr) :: ctx, u, v, w
  real(c_double), pointer :: p(:,:), q(:,:)
  real(c_double), allocatable, target :: mine(:,:)
  integer(c_int64_t) :: lo(2), hi(2), wlo(2), whi(2), owned, all_owned
  integer(c_size_t) :: nbytes
  logical :: ok

  call MPI_Init_thread(MPI_THREAD_FUNNELED, provided, ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, me, ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, nranks, ierr)
  failures = 0

  ! Fortran order: axis 2 (C's axis 0) is split over the ranks
  call check(tyles_ctx_create(MPI_COMM_WORLD, 2, ctx, procs=[1, nranks]) == TYL_OK, "tyles_ctx_create")
  call check(tyles_array_create(ctx, TYL_FLOAT64, [7_c_int64_t, 10_c_int64_t], u, halo=[1, 1]) == TYL_OK, &
             "tyles_array_create")
  call check(tyles_local(u, p, lo, hi) == TYL_OK, "tyles_local")
  call check(lo(1) == 1 .and. hi(1) == 7 .and. lo(2) == (me * 10) / nranks + 1 .and. &
             hi(2) == ((me + 1) * 10) / nranks, "the owned block in Fortran order, 1-based")
  call check(lbound(p, 1) == 0 .and. ubound(p, 1) == 8 .and. lbound(p, 2) == lo(2) - 1 .and. &
             ubound(p, 2) == hi(2) + 1, "the pointer covers the halo by global indices")
  owned = (hi(1) - lo(1) + 1) * (hi(2) - lo(2) + 1)
  call MPI_Allreduce(owned, all_owned, 1, MPI_INTEGER8, MPI_SUM, MPI_COMM_WORLD, ierr)
  call check(all_owned == 70, "the owned blocks cover the array once")
  do j = int(lo(2)), int(hi(2))
    do i = int(lo(1)), int(hi(1))
      p(i, j) = 1000.0d0 * (j - 1) + (i - 1)
    end do
  end do
  call tyles_array_modified(u)
  call check(tyles_array_exchange(ctx, u) == TYL_OK, "tyles_array_exchange")
  ok = .true.
  do j = int(lo(2)) - 1, int(hi(2)) + 1
    do i = 1, 7
      if (j >= 1 .and. j <= 10) then
        if (p(i, j) /= 1000.0d0 * (j - 1) + (i - 1)) ok = .false.
      end if
    end do
  end do
  call check(ok, "after the exchange the halo rows hold the neighbours' values")

  call check(tyles_array_create(ctx, TYL_FLOAT64, [4_c_int64_t, -3_c_int64_t], v, halo=[1, 1]) == TYL_ERROR &
             .and. .not. c_associated(v), "a negative dimension returns TYL_ERROR")
  call check(tyles_error(ctx) == "tyl_array_create: error: negative dimensions are not allowed", &
             "with NumPy's message through tyles_error")

  ! memory the application owns, laid out as tyles_layout says
  call check(tyles_layout(ctx, TYL_FLOAT64, [5_c_int64_t, 9_c_int64_t], [2, 2], wlo, whi, nbytes) == TYL_OK, &
             "tyles_layout")
  allocate(mine(wlo(1) - 2:whi(1) + 2, wlo(2) - 2:whi(2) + 2))
  call check(int(size(mine), c_size_t) * 8 == nbytes, "the bytes to allocate match the Fortran extents")
  do j = lbound(mine, 2), ubound(mine, 2)
    do i = lbound(mine, 1), ubound(mine, 1)
      mine(i, j) = 100.0d0 * j + i
    end do
  end do
  call check(tyles_array_wrap(ctx, TYL_FLOAT64, [5_c_int64_t, 9_c_int64_t], c_loc(mine), nbytes, w, &
             halo=[2, 2]) == TYL_OK, "tyles_array_wrap")
  call check(tyles_local(w, q) == TYL_OK, "tyles_local of a wrapped array")
  call check(c_associated(c_loc(q(wlo(1) - 2, wlo(2) - 2)), c_loc(mine(wlo(1) - 2, wlo(2) - 2))) .and. &
             q(wlo(1), whi(2)) == mine(wlo(1), whi(2)), "a wrapped array is the caller's memory")
  call tyles_array_destroy(w)
  mine = 0.0d0
  deallocate(mine)

  call check(tyles_ctx_destroy(ctx) == TYL_OK, "tyles_ctx_destroy")
  call MPI_Allreduce(failures, total, 1, MPI_INTEGER, MPI_SUM, MPI_COMM_WORLD, ierr)
  call MPI_Finalize(ierr)
  if (total /= 0) error stop 1

contains

  subroutine check(cond, what)
    logical, intent(in) :: cond
    character(len=*), intent(in) :: what
    if (.not. cond) then
      failures = failures + 1
      print '(a,i0,a,a)', 'FAIL rank ', me, ': ', what
    else if (me == 0) then
      print '(a,a)', 'ok ', what
    end if
  end subroutine
end program
