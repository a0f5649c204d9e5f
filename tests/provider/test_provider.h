/* What the test provider records, read by the tests through dlsym. */
#ifndef TEST_PROVIDER_H
#define TEST_PROVIDER_H
#include <winsock2.h>
struct tp_state {
    int startups, cleanups, startups_by_mode[4];
    WORD version_requested;
    WSAPROTOCOL_INFOW startup_info;
    int upcalls_complete;
    int sockets_created, sockets_closed;
    int last_af, last_type, last_protocol;
    GROUP last_g;
    DWORD last_flags;
    WSAPROTOCOL_INFOW last_info;
    int blocking_callback_given, hook_rounds;
};
#endif
