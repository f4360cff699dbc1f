! tyles_lib.f90: Fortran 2003 bindings of libtyles in library mode (tyles_lib.h, docs/LIBRARY.md).
!
! Axes are Fortran's. An array that C and a .tyl program see with shape (a, b) is (b, a) here,
! over the same memory, so shape, halo, process grid and indices are all given in Fortran order
! and reversed on the way to C. Global indices start at 1 here (index i is i - 1 in C and
! Python). Every function returns TYL_OK (0) or TYL_ERROR (1); tyles_error(ctx) is the message.
!
! Compile this file with the application (Fortran module files are compiler-specific):
!     mpif90 -c $(pkg-config --variable=includedir tyles)/tyles/tyles_lib.f90
module tyles_lib
  use, intrinsic :: iso_c_binding
  implicit none
  private

  integer, parameter, public :: TYL_OK = 0, TYL_ERROR = 1
  integer, parameter, public :: TYL_BOOL = 0, TYL_INT32 = 1, TYL_INT64 = 2, TYL_FLOAT32 = 3, &
                                TYL_FLOAT64 = 4

  public :: tyles_ctx_create, tyles_ctx_add_grid, tyles_ctx_destroy, tyles_error, tyles_error_collective
  public :: tyles_layout, tyles_array_create, tyles_array_wrap, tyles_local
  public :: tyles_array_modified, tyles_array_exchange, tyles_array_destroy
  public :: tyles_ctx_checkpoint, tyles_ctx_restart
  public :: tyles_ctx_create_cuda, tyles_array_copy_in, tyles_array_copy_out, tyles_ctx_sync

  ! tyles_local(a, p [, lo, hi]): p points at this rank's part of a, halo included, indexed
  ! by global (1-based, Fortran-order) indices; lo and hi bound the owned block, inclusive.
  interface tyles_local
    module procedure local_f64_1d, local_f64_2d, local_f64_3d
    module procedure local_f32_1d, local_f32_2d, local_f32_3d
    module procedure local_i32_1d, local_i32_2d, local_i32_3d
    module procedure local_i64_1d, local_i64_2d, local_i64_3d
  end interface

  interface
    integer(c_int) function c_ctx_create(fcomm, grid_rank, procs, ctx) bind(C, name="tyl_ctx_create_f")
      import :: c_int, c_ptr
      integer(c_int), value :: fcomm, grid_rank
      type(c_ptr), value :: procs
      type(c_ptr), intent(out) :: ctx
    end function
    integer(c_int) function c_ctx_create_cuda(fcomm, grid_rank, procs, device, stream, ctx) &
        bind(C, name="tyl_ctx_create_cuda_f")
      import :: c_int, c_ptr
      integer(c_int), value :: fcomm, grid_rank, device
      type(c_ptr), value :: procs, stream
      type(c_ptr), intent(out) :: ctx
    end function
    integer(c_int) function c_array_copy_in(ctx, a, host) bind(C, name="tyl_array_copy_in")
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx, a, host
    end function
    integer(c_int) function c_array_copy_out(ctx, a, host) bind(C, name="tyl_array_copy_out")
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx, a, host
    end function
    integer(c_int) function c_ctx_sync(ctx) bind(C, name="tyl_ctx_sync")
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx
    end function
    integer(c_int) function c_ctx_add_grid(ctx, grid_rank, procs) bind(C, name="tyl_ctx_add_grid")
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx
      integer(c_int), value :: grid_rank
      type(c_ptr), value :: procs
    end function
    integer(c_int) function c_ctx_destroy(ctx) bind(C, name="tyl_ctx_destroy")
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx
    end function
    type(c_ptr) function c_ctx_error(ctx) bind(C, name="tyl_ctx_error")
      import :: c_ptr
      type(c_ptr), value :: ctx
    end function
    integer(c_int) function c_ctx_error_collective(ctx) bind(C, name="tyl_ctx_error_collective")
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx
    end function
    integer(c_int) function c_ctx_layout(ctx, dt, rank, shape, halo, lo, n, bytes) &
        bind(C, name="tyl_ctx_layout_f")
      import :: c_int, c_int64_t, c_ptr, c_size_t
      type(c_ptr), value :: ctx
      integer(c_int), value :: dt, rank
      integer(c_int64_t), intent(in) :: shape(*)
      integer(c_int), intent(in) :: halo(*)
      integer(c_int64_t), intent(out) :: lo(*), n(*)
      integer(c_size_t), intent(out) :: bytes
    end function
    integer(c_int) function c_array_create(ctx, dt, rank, shape, halo, a) bind(C, name="tyl_array_create")
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: ctx
      integer(c_int), value :: dt, rank
      integer(c_int64_t), intent(in) :: shape(*)
      integer(c_int), intent(in) :: halo(*)
      type(c_ptr), intent(out) :: a
    end function
    integer(c_int) function c_array_wrap(ctx, dt, rank, shape, halo, base, bytes, a) &
        bind(C, name="tyl_array_wrap")
      import :: c_int, c_int64_t, c_ptr, c_size_t
      type(c_ptr), value :: ctx
      integer(c_int), value :: dt, rank
      integer(c_int64_t), intent(in) :: shape(*)
      integer(c_int), intent(in) :: halo(*)
      type(c_ptr), value :: base
      integer(c_size_t), value :: bytes
      type(c_ptr), intent(out) :: a
    end function
    integer(c_int) function c_array_info(a, rank, base, shape, lo, n, hlo, hhi) bind(C, name="tyl_array_info_f")
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: a
      integer(c_int), value :: rank
      type(c_ptr), intent(out) :: base
      integer(c_int64_t), intent(out) :: shape(*), lo(*), n(*), hlo(*), hhi(*)
    end function
    subroutine c_array_modified(a) bind(C, name="tyl_array_modified")
      import :: c_ptr
      type(c_ptr), value :: a
    end subroutine
    integer(c_int) function c_array_exchange(ctx, a) bind(C, name="tyl_array_exchange")
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx, a
    end function
    subroutine c_array_destroy(a) bind(C, name="tyl_array_destroy")
      import :: c_ptr
      type(c_ptr), value :: a
    end subroutine
    integer(c_int) function c_ctx_checkpoint(ctx, dir, step, n, arrays, names) bind(C, name="tyl_ctx_checkpoint")
      import :: c_int, c_int64_t, c_ptr, c_char
      type(c_ptr), value :: ctx
      character(kind=c_char), intent(in) :: dir(*)
      integer(c_int64_t), value :: step
      integer(c_int), value :: n
      type(c_ptr), intent(in) :: arrays(*), names(*)
    end function
    integer(c_int) function c_ctx_restart(ctx, dir, n, arrays, names, step) bind(C, name="tyl_ctx_restart")
      import :: c_int, c_int64_t, c_ptr, c_char
      type(c_ptr), value :: ctx
      character(kind=c_char), intent(in) :: dir(*)
      integer(c_int), value :: n
      type(c_ptr), intent(in) :: arrays(*), names(*)
      integer(c_int64_t), intent(out) :: step
    end function
    integer(c_size_t) function c_strlen(s) bind(C, name="strlen")
      import :: c_ptr, c_size_t
      type(c_ptr), value :: s
    end function
  end interface

contains

  ! Fortran order -> C order
  subroutine rev_shape(r, shape, halo, cs, ch)
    integer, intent(in) :: r
    integer(c_int64_t), intent(in) :: shape(:)
    integer, intent(in), optional :: halo(:)
    integer(c_int64_t), intent(out) :: cs(:)
    integer(c_int), intent(out) :: ch(:)
    integer :: k
    do k = 1, r
      cs(k) = shape(r + 1 - k)
      ch(k) = 0
      if (present(halo)) ch(k) = int(halo(r + 1 - k), c_int)
    end do
  end subroutine

  ! procs, ranks per axis in Fortran's order, into p in C's: .true. when given for grid_rank axes
  logical function reversed_procs(grid_rank, p, procs)
    integer, intent(in) :: grid_rank
    integer(c_int), intent(out) :: p(16)
    integer, intent(in), optional :: procs(:)
    integer :: k
    reversed_procs = present(procs) .and. grid_rank >= 1 .and. grid_rank <= 16
    if (reversed_procs) reversed_procs = size(procs) >= grid_rank
    if (.not. reversed_procs) return
    do k = 1, grid_rank
      p(k) = int(procs(grid_rank + 1 - k), c_int)
    end do
  end function

  integer function tyles_ctx_create(comm, grid_rank, ctx, procs) result(st)
    integer, intent(in) :: comm, grid_rank
    type(c_ptr), intent(out) :: ctx
    integer, intent(in), optional :: procs(:)
    integer(c_int), target :: p(16)
    if (reversed_procs(grid_rank, p, procs)) then
      st = c_ctx_create(int(comm, c_int), int(grid_rank, c_int), c_loc(p), ctx)
    else
      st = c_ctx_create(int(comm, c_int), int(grid_rank, c_int), c_null_ptr, ctx)
    end if
  end function

  ! A context whose arrays live on CUDA device `device` (a solver made with tylesc --lib
  ! --target=cuda; link libtyles_cuda.a, libtyles.a refuses it). stream is the cudaStream_t
  ! every call queues its work on, as a C pointer: c_null_ptr for the default stream, a
  ! cudaStreamCreate'd one (through bind(C), or transfer(stream, c_null_ptr) from CUDA Fortran's
  ! integer(cuda_stream_kind)). procs as for tyles_ctx_create.
  integer function tyles_ctx_create_cuda(comm, grid_rank, device, stream, ctx, procs) result(st)
    integer, intent(in) :: comm, grid_rank, device
    type(c_ptr), intent(in) :: stream
    type(c_ptr), intent(out) :: ctx
    integer, intent(in), optional :: procs(:)
    integer(c_int), target :: p(16)
    if (reversed_procs(grid_rank, p, procs)) then
      st = c_ctx_create_cuda(int(comm, c_int), int(grid_rank, c_int), c_loc(p), int(device, c_int), stream, ctx)
    else
      st = c_ctx_create_cuda(int(comm, c_int), int(grid_rank, c_int), c_null_ptr, int(device, c_int), stream, ctx)
    end if
  end function

  ! This rank's owned block of a (halo left out) from (copy_in) or to (copy_out) host memory:
  ! c_loc of a contiguous array of the block's extents in Fortran order (hi - lo + 1 per axis,
  ! tyles_layout), for host and device arrays alike. copy_out returns when host holds it;
  ! copy_in marks the halos stale.
  integer function tyles_array_copy_in(ctx, a, host) result(st)
    type(c_ptr), intent(in) :: ctx, a, host
    st = c_array_copy_in(ctx, a, host)
  end function

  integer function tyles_array_copy_out(ctx, a, host) result(st)
    type(c_ptr), intent(in) :: ctx, a, host
    st = c_array_copy_out(ctx, a, host)
  end function

  ! Waits until every call queued on the context's stream has run.
  integer function tyles_ctx_sync(ctx) result(st)
    type(c_ptr), intent(in) :: ctx
    st = c_ctx_sync(ctx)
  end function

  ! A further process grid (a library whose solvers distribute arrays of several ranks: its
  ! module's GRID_RANKS); procs in Fortran's axis order, as for tyles_ctx_create.
  integer function tyles_ctx_add_grid(ctx, grid_rank, procs) result(st)
    type(c_ptr), intent(in) :: ctx
    integer, intent(in) :: grid_rank
    integer, intent(in), optional :: procs(:)
    integer(c_int), target :: p(16)
    if (reversed_procs(grid_rank, p, procs)) then
      st = c_ctx_add_grid(ctx, int(grid_rank, c_int), c_loc(p))
    else
      st = c_ctx_add_grid(ctx, int(grid_rank, c_int), c_null_ptr)
    end if
  end function

  integer function tyles_ctx_destroy(ctx) result(st)
    type(c_ptr), intent(inout) :: ctx
    st = c_ctx_destroy(ctx)
    ctx = c_null_ptr
  end function

  function tyles_error(ctx) result(msg)
    type(c_ptr), intent(in) :: ctx
    character(len=:), allocatable :: msg
    character(kind=c_char), pointer :: chars(:)
    type(c_ptr) :: s
    integer :: n, k
    s = c_ctx_error(ctx)
    n = int(c_strlen(s))
    allocate(character(len=n) :: msg)
    if (n == 0) return
    call c_f_pointer(s, chars, [n])
    do k = 1, n
      msg(k:k) = chars(k)
    end do
  end function

  logical function tyles_error_collective(ctx)
    type(c_ptr), intent(in) :: ctx
    tyles_error_collective = c_ctx_error_collective(ctx) /= 0
  end function

  ! The owned block (lo, hi: global, 1-based, inclusive) and the bytes of the local allocation
  ! an array of this shape and halo gets on this rank: what to allocate for tyles_array_wrap,
  ! as w(lo(1)-h(1):hi(1)+h(1), ...) for an array distributed over the grid.
  integer function tyles_layout(ctx, dtype, shape, halo, lo, hi, nbytes) result(st)
    type(c_ptr), intent(in) :: ctx
    integer, intent(in) :: dtype
    integer(c_int64_t), intent(in) :: shape(:)
    integer, intent(in), optional :: halo(:)
    integer(c_int64_t), intent(out) :: lo(:), hi(:)
    integer(c_size_t), intent(out) :: nbytes
    integer(c_int64_t) :: cs(16), clo(16), cn(16)
    integer(c_int) :: ch(16)
    integer :: r, k
    r = size(shape)
    if (r > 16) then
      st = TYL_ERROR
      return
    end if
    call rev_shape(r, shape, halo, cs, ch)
    st = c_ctx_layout(ctx, int(dtype, c_int), int(r, c_int), cs, ch, clo, cn, nbytes)
    do k = 1, r
      lo(k) = clo(r + 1 - k) + 1
      hi(k) = clo(r + 1 - k) + cn(r + 1 - k)
    end do
  end function

  integer function tyles_array_create(ctx, dtype, shape, a, halo) result(st)
    type(c_ptr), intent(in) :: ctx
    integer, intent(in) :: dtype
    integer(c_int64_t), intent(in) :: shape(:)
    type(c_ptr), intent(out) :: a
    integer, intent(in), optional :: halo(:)
    integer(c_int64_t) :: cs(16)
    integer(c_int) :: ch(16)
    integer :: r
    r = size(shape)
    a = c_null_ptr
    if (r > 16) then
      st = TYL_ERROR
      return
    end if
    call rev_shape(r, shape, halo, cs, ch)
    st = c_array_create(ctx, int(dtype, c_int), int(r, c_int), cs, ch, a)
  end function

  integer function tyles_array_wrap(ctx, dtype, shape, base, nbytes, a, halo) result(st)
    type(c_ptr), intent(in) :: ctx
    integer, intent(in) :: dtype
    integer(c_int64_t), intent(in) :: shape(:)
    type(c_ptr), intent(in) :: base
    integer(c_size_t), intent(in) :: nbytes
    type(c_ptr), intent(out) :: a
    integer, intent(in), optional :: halo(:)
    integer(c_int64_t) :: cs(16)
    integer(c_int) :: ch(16)
    integer :: r
    r = size(shape)
    a = c_null_ptr
    if (r > 16) then
      st = TYL_ERROR
      return
    end if
    call rev_shape(r, shape, halo, cs, ch)
    st = c_array_wrap(ctx, int(dtype, c_int), int(r, c_int), cs, ch, base, nbytes, a)
  end function

  subroutine tyles_array_modified(a)
    type(c_ptr), intent(in) :: a
    call c_array_modified(a)
  end subroutine

  integer function tyles_array_exchange(ctx, a) result(st)
    type(c_ptr), intent(in) :: ctx, a
    st = c_array_exchange(ctx, a)
  end function

  subroutine tyles_array_destroy(a)
    type(c_ptr), intent(inout) :: a
    call c_array_destroy(a)
    a = c_null_ptr
  end subroutine

  ! Fortran-order extents of the local allocation (e), the global 1-based index of its first
  ! element (l), and, where asked for, the owned block (olo, ohi), for an array of rank r.
  ! The typed tyles_local below differ only in the pointer's type and rank, which Fortran
  ! cannot make a parameter: all the rest is here.
  integer function layout_f(a, r, base, e, l, olo, ohi) result(st)
    type(c_ptr), intent(in) :: a
    integer, intent(in) :: r
    type(c_ptr), intent(out) :: base
    integer(c_int64_t), intent(out) :: e(r), l(r)
    integer(c_int64_t), intent(out), optional :: olo(r), ohi(r)
    integer(c_int64_t) :: shape(r), lo(r), n(r), hlo(r), hhi(r)
    integer :: k, c
    st = c_array_info(a, int(r, c_int), base, shape, lo, n, hlo, hhi)
    if (st /= TYL_OK) return
    do k = 1, r
      c = r + 1 - k
      e(k) = n(c) + hlo(c) + hhi(c)
      l(k) = lo(c) - hlo(c) + 1
      if (present(olo)) olo(k) = lo(c) + 1
      if (present(ohi)) ohi(k) = lo(c) + n(c)
    end do
  end function

  integer function local_f64_1d(a, p, lo, hi) result(st)
    type(c_ptr), intent(in) :: a
    real(c_double), pointer, intent(out) :: p(:)
    integer(c_int64_t), intent(out), optional :: lo(1), hi(1)
    real(c_double), pointer :: flat(:)
    type(c_ptr) :: base
    integer(c_int64_t) :: e(1), l(1)
    nullify(p)
    st = layout_f(a, 1, base, e, l, lo, hi)
    if (st /= TYL_OK) return
    call c_f_pointer(base, flat, e)
    p(l(1):) => flat
  end function
  integer function local_f64_2d(a, p, lo, hi) result(st)
    type(c_ptr), intent(in) :: a
    real(c_double), pointer, intent(out) :: p(:,:)
    integer(c_int64_t), intent(out), optional :: lo(2), hi(2)
    real(c_double), pointer :: flat(:,:)
    type(c_ptr) :: base
    integer(c_int64_t) :: e(2), l(2)
    nullify(p)
    st = layout_f(a, 2, base, e, l, lo, hi)
    if (st /= TYL_OK) return
    call c_f_pointer(base, flat, e)
    p(l(1):,l(2):) => flat
  end function
  integer function local_f64_3d(a, p, lo, hi) result(st)
    type(c_ptr), intent(in) :: a
    real(c_double), pointer, intent(out) :: p(:,:,:)
    integer(c_int64_t), intent(out), optional :: lo(3), hi(3)
    real(c_double), pointer :: flat(:,:,:)
    type(c_ptr) :: base
    integer(c_int64_t) :: e(3), l(3)
    nullify(p)
    st = layout_f(a, 3, base, e, l, lo, hi)
    if (st /= TYL_OK) return
    call c_f_pointer(base, flat, e)
    p(l(1):,l(2):,l(3):) => flat
  end function
  integer function local_f32_1d(a, p, lo, hi) result(st)
    type(c_ptr), intent(in) :: a
    real(c_float), pointer, intent(out) :: p(:)
    integer(c_int64_t), intent(out), optional :: lo(1), hi(1)
    real(c_float), pointer :: flat(:)
    type(c_ptr) :: base
    integer(c_int64_t) :: e(1), l(1)
    nullify(p)
    st = layout_f(a, 1, base, e, l, lo, hi)
    if (st /= TYL_OK) return
    call c_f_pointer(base, flat, e)
    p(l(1):) => flat
  end function
  integer function local_f32_2d(a, p, lo, hi) result(st)
    type(c_ptr), intent(in) :: a
    real(c_float), pointer, intent(out) :: p(:,:)
    integer(c_int64_t), intent(out), optional :: lo(2), hi(2)
    real(c_float), pointer :: flat(:,:)
    type(c_ptr) :: base
    integer(c_int64_t) :: e(2), l(2)
    nullify(p)
    st = layout_f(a, 2, base, e, l, lo, hi)
    if (st /= TYL_OK) return
    call c_f_pointer(base, flat, e)
    p(l(1):,l(2):) => flat
  end function
  integer function local_f32_3d(a, p, lo, hi) result(st)
    type(c_ptr), intent(in) :: a
    real(c_float), pointer, intent(out) :: p(:,:,:)
    integer(c_int64_t), intent(out), optional :: lo(3), hi(3)
    real(c_float), pointer :: flat(:,:,:)
    type(c_ptr) :: base
    integer(c_int64_t) :: e(3), l(3)
    nullify(p)
    st = layout_f(a, 3, base, e, l, lo, hi)
    if (st /= TYL_OK) return
    call c_f_pointer(base, flat, e)
    p(l(1):,l(2):,l(3):) => flat
  end function
  integer function local_i32_1d(a, p, lo, hi) result(st)
    type(c_ptr), intent(in) :: a
    integer(c_int32_t), pointer, intent(out) :: p(:)
    integer(c_int64_t), intent(out), optional :: lo(1), hi(1)
    integer(c_int32_t), pointer :: flat(:)
    type(c_ptr) :: base
    integer(c_int64_t) :: e(1), l(1)
    nullify(p)
    st = layout_f(a, 1, base, e, l, lo, hi)
    if (st /= TYL_OK) return
    call c_f_pointer(base, flat, e)
    p(l(1):) => flat
  end function
  integer function local_i32_2d(a, p, lo, hi) result(st)
    type(c_ptr), intent(in) :: a
    integer(c_int32_t), pointer, intent(out) :: p(:,:)
    integer(c_int64_t), intent(out), optional :: lo(2), hi(2)
    integer(c_int32_t), pointer :: flat(:,:)
    type(c_ptr) :: base
    integer(c_int64_t) :: e(2), l(2)
    nullify(p)
    st = layout_f(a, 2, base, e, l, lo, hi)
    if (st /= TYL_OK) return
    call c_f_pointer(base, flat, e)
    p(l(1):,l(2):) => flat
  end function
  integer function local_i32_3d(a, p, lo, hi) result(st)
    type(c_ptr), intent(in) :: a
    integer(c_int32_t), pointer, intent(out) :: p(:,:,:)
    integer(c_int64_t), intent(out), optional :: lo(3), hi(3)
    integer(c_int32_t), pointer :: flat(:,:,:)
    type(c_ptr) :: base
    integer(c_int64_t) :: e(3), l(3)
    nullify(p)
    st = layout_f(a, 3, base, e, l, lo, hi)
    if (st /= TYL_OK) return
    call c_f_pointer(base, flat, e)
    p(l(1):,l(2):,l(3):) => flat
  end function
  integer function local_i64_1d(a, p, lo, hi) result(st)
    type(c_ptr), intent(in) :: a
    integer(c_int64_t), pointer, intent(out) :: p(:)
    integer(c_int64_t), intent(out), optional :: lo(1), hi(1)
    integer(c_int64_t), pointer :: flat(:)
    type(c_ptr) :: base
    integer(c_int64_t) :: e(1), l(1)
    nullify(p)
    st = layout_f(a, 1, base, e, l, lo, hi)
    if (st /= TYL_OK) return
    call c_f_pointer(base, flat, e)
    p(l(1):) => flat
  end function
  integer function local_i64_2d(a, p, lo, hi) result(st)
    type(c_ptr), intent(in) :: a
    integer(c_int64_t), pointer, intent(out) :: p(:,:)
    integer(c_int64_t), intent(out), optional :: lo(2), hi(2)
    integer(c_int64_t), pointer :: flat(:,:)
    type(c_ptr) :: base
    integer(c_int64_t) :: e(2), l(2)
    nullify(p)
    st = layout_f(a, 2, base, e, l, lo, hi)
    if (st /= TYL_OK) return
    call c_f_pointer(base, flat, e)
    p(l(1):,l(2):) => flat
  end function
  integer function local_i64_3d(a, p, lo, hi) result(st)
    type(c_ptr), intent(in) :: a
    integer(c_int64_t), pointer, intent(out) :: p(:,:,:)
    integer(c_int64_t), intent(out), optional :: lo(3), hi(3)
    integer(c_int64_t), pointer :: flat(:,:,:)
    type(c_ptr) :: base
    integer(c_int64_t) :: e(3), l(3)
    nullify(p)
    st = layout_f(a, 3, base, e, l, lo, hi)
    if (st /= TYL_OK) return
    call c_f_pointer(base, flat, e)
    p(l(1):,l(2):,l(3):) => flat
  end function

  ! Checkpoint and restart on request (tyles_lib.h: tyl_ctx_checkpoint, tyl_ctx_restart): the
  ! arrays under their names (letters, digits, '_'; trailing blanks dropped) in the folder dir.
  integer function tyles_ctx_checkpoint(ctx, dir, step, arrays, names) result(st)
    type(c_ptr), intent(in) :: ctx
    character(len=*), intent(in) :: dir
    integer(c_int64_t), intent(in) :: step
    type(c_ptr), intent(in) :: arrays(:)
    character(len=*), intent(in) :: names(:)
    character(kind=c_char), allocatable, target :: buf(:)
    type(c_ptr), allocatable :: p(:)
    call c_names(names, buf, p)
    st = c_ctx_checkpoint(ctx, c_str(dir), step, int(size(arrays), c_int), arrays, p)
  end function

  integer function tyles_ctx_restart(ctx, dir, arrays, names, step) result(st)
    type(c_ptr), intent(in) :: ctx
    character(len=*), intent(in) :: dir
    type(c_ptr), intent(in) :: arrays(:)
    character(len=*), intent(in) :: names(:)
    integer(c_int64_t), intent(out) :: step
    character(kind=c_char), allocatable, target :: buf(:)
    type(c_ptr), allocatable :: p(:)
    call c_names(names, buf, p)
    st = c_ctx_restart(ctx, c_str(dir), int(size(arrays), c_int), arrays, p, step)
  end function

  function c_str(s) result(r)
    character(len=*), intent(in) :: s
    character(kind=c_char) :: r(len_trim(s) + 1)
    integer :: k
    do k = 1, len_trim(s)
      r(k) = s(k:k)
    end do
    r(len_trim(s) + 1) = c_null_char
  end function

  ! names(k) as NUL-terminated strings in buf, p(k) pointing at each
  subroutine c_names(names, buf, p)
    character(len=*), intent(in) :: names(:)
    character(kind=c_char), allocatable, target, intent(out) :: buf(:)
    type(c_ptr), allocatable, intent(out) :: p(:)
    integer :: k, j, w
    w = len(names) + 1
    allocate(buf(size(names) * w), p(size(names)))
    do k = 1, size(names)
      do j = 1, len_trim(names(k))
        buf((k - 1) * w + j) = names(k)(j:j)
      end do
      buf((k - 1) * w + len_trim(names(k)) + 1) = c_null_char
      p(k) = c_loc(buf((k - 1) * w + 1))
    end do
  end subroutine
end module tyles_lib
