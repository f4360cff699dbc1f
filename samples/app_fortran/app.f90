! app.f90: a Fortran MPI application calling a Tyles solver (tylesc --lib, heat_mod.f90).
!
! The same checks as samples/app_c/app.c, from Fortran: a context over MPI_COMM_WORLD, the
! field created with the halo the solver asks for, filled by this rank, heat_step called
! `steps` times and heat_hottest once, then compared bit for bit with heat.npy, which
! ../app_c/heat.tyl run as a program wrote on as many ranks; then a checkpoint of the field,
! read back into a new array. Axes are Fortran's: the program's u[i, j] is p(j + 1, i + 1) here.
program app
  use, intrinsic :: iso_c_binding
  use, intrinsic :: iso_fortran_env, only: int8, int64, real64
  use mpi
  use tyles_lib
  use heat_mod
  implicit none
  integer, parameter :: n = 48, steps = 20
  real(c_double), parameter :: alpha = 0.2d0
  type(c_ptr) :: ctx, u, v
  real(c_double), pointer :: p(:, :), q(:, :)
  integer(c_int64_t) :: step
  real(real64), allocatable :: want(:, :)
  integer(c_int64_t) :: lo(2), hi(2), i, j
  integer :: k, ierr, provided, me, nranks, bad, total
  real(c_double) :: hot, gmax

  call MPI_Init_thread(MPI_THREAD_FUNNELED, provided, ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, me, ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, nranks, ierr)
  call read_npy("heat.npy", want)

  call ok(tyles_ctx_create(MPI_COMM_WORLD, HEAT_GRID_RANK, ctx), "tyles_ctx_create")
  call ok(tyles_array_create(ctx, TYL_FLOAT64, [int(n, c_int64_t), int(n, c_int64_t)], u, &
          halo=[HEAT_STEP_U_HALO, HEAT_STEP_U_HALO]), "tyles_array_create")
  call ok(tyles_local(u, p, lo, hi), "tyles_local")
  do i = lo(2), hi(2)          ! the program's first axis
    do j = lo(1), hi(1)
      p(j, i) = 0.0d0
      if (i == 1) p(j, i) = 100.0d0
      if (i > n / 2 - 4 .and. i <= n / 2 + 4 .and. j > n / 2 - 4 .and. j <= n / 2 + 4) p(j, i) = 50.0d0
    end do
  end do
  call tyles_array_modified(u)

  do k = 1, steps
    call ok(heat_step(ctx, u, alpha), "heat_step")
  end do
  call ok(heat_hottest(ctx, u, hot), "heat_hottest")

  bad = 0
  do i = lo(2), hi(2)
    do j = lo(1), hi(1)
      if (transfer(p(j, i), 0_int64) /= transfer(want(j, i), 0_int64)) bad = bad + 1
    end do
  end do
  call MPI_Allreduce(bad, total, 1, MPI_INTEGER, MPI_SUM, MPI_COMM_WORLD, ierr)
  gmax = maxval(want(2:n - 1, 2:n - 1))
  if (me == 0) then
    write (*, '(a, i0, a, i0, a, i0, a, l1)') "app_fortran: ", nranks, " rank(s), ", total, &
      " of ", n * n, " elements differ from the program's heat.npy; hottest agrees: ", &
      transfer(hot, 0_int64) == transfer(gmax, 0_int64)
  end if
  if (total /= 0 .or. transfer(hot, 0_int64) /= transfer(gmax, 0_int64)) then
    if (me == 0) write (*, '(a)') "app_fortran: FAILED"
    call MPI_Abort(MPI_COMM_WORLD, 1, ierr)
  end if

  ! a checkpoint of u, read back into another array (with the library's widest halo)
  call ok(tyles_ctx_checkpoint(ctx, "app_fortran.ckpt", int(steps, c_int64_t), [u], ["u"]), "tyles_ctx_checkpoint")
  call ok(tyles_array_create(ctx, TYL_FLOAT64, [int(n, c_int64_t), int(n, c_int64_t)], v, &
          halo=[HEAT_HALO, HEAT_HALO]), "tyles_array_create")
  call ok(tyles_ctx_restart(ctx, "app_fortran.ckpt", [v], ["u"], step), "tyles_ctx_restart")
  call ok(tyles_local(v, q), "tyles_local")
  bad = 0
  do i = lo(2), hi(2)
    do j = lo(1), hi(1)
      if (transfer(p(j, i), 0_int64) /= transfer(q(j, i), 0_int64)) bad = bad + 1
    end do
  end do
  call MPI_Allreduce(bad, total, 1, MPI_INTEGER, MPI_SUM, MPI_COMM_WORLD, ierr)
  if (me == 0) write (*, '(a, i0, a, i0)') "app_fortran: restart of step ", step, ": elements differing ", total
  if (total /= 0 .or. step /= steps) call MPI_Abort(MPI_COMM_WORLD, 1, ierr)
  call ok(tyles_ctx_destroy(ctx), "tyles_ctx_destroy")
  call MPI_Finalize(ierr)

contains

  subroutine ok(st, what)
    integer, intent(in) :: st
    character(len=*), intent(in) :: what
    integer :: e
    if (st == TYL_OK) return
    write (*, '(a, a, a, a)') "app_fortran: ", what, " failed: ", tyles_error(ctx)
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
      write (*, '(a)') "app_fortran: cannot open heat.npy (run heat_prog first)"
      call MPI_Abort(MPI_COMM_WORLD, 1, e)
    end if
    read (unit) magic, hl
    hlen = iand(int(hl(1)), 255) + 256 * iand(int(hl(2)), 255)
    read (unit, pos=11 + hlen) a
    close (unit)
  end subroutine
end program
