/* The libuv loop thread. Neutral C: loop.c includes <uv.h>, which drags in
 * POSIX socket headers, so it stays out of the Windows world. */
#ifndef WS2POSIX_LOOP_H
#define WS2POSIX_LOOP_H
int wsp__loop_start(void); /* 0, or -1 when the loop cannot run */
void wsp__loop_stop(void);
int wsp__loop_running(void);
#endif
