/* tyl_ttstate.c: the state of time tiling that other files read: the group being recorded and
 * run (tyl_ttg_, tyl_ttgroup.h), and whether one is running (tyl_tt_running_).
 *
 * Kept apart from the files that act on it so that none of them calls another for it: the
 * recorder (tyl_ttrecord.c) fills the group, the choice (tyl_ttchoice.c), the lags
 * (tyl_ttlags.c), the deep halos (tyl_ttdeep.c) and the schedules (tyl_ttsched.c) read it, and
 * tyl_timetile.c, above them all, runs it; the memory layer (tyl_mem_host.c) asks whether a
 * group runs, below every one of them. Data only: this file calls nothing. */
#include "tyl_ttgroup.h"

tyl_tt_group tyl_ttg_;
int tyl_tt_running_;
