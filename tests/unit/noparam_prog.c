/* A program without parameters, for the option tests in run.sh. */
#include "tyles.h"

int main(int argc, char **argv)
{
    tyl_rt_init(&argc, &argv, "noparam.tyl", NULL, 0);
    tyl_print_str("hello");
    tyl_print_end("\n");
    return tyl_rt_finalize();
}
