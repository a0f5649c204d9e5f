/*
 * The pass-through layer's counters (examples/lsp/passthrough.c): what the
 * layer saw, exported as passthrough_stats (passthrough_b_stats in the
 * second, stacked build) and read by tests through dlsym. One definition, so
 * the layer and its readers cannot drift apart.
 */
#ifndef WS2POSIX_PASSTHROUGH_H
#define WS2POSIX_PASSTHROUGH_H
#include <winsock2.h>

struct passthrough_stats {
    int startups, cleanups;             /* this layer's WSPStartup / WSPCleanup */
    int lower_startups, lower_cleanups; /* the next layer's, called by us */
    int sockets, closes, calls;
    long long bytes_sent, bytes_received;
    DWORD startup_entry;       /* dwCatalogEntryId WS2_32 started us with */
    DWORD lower_startup_entry; /* ... the one we started the next layer with */
    DWORD lower_socket_entry;  /* ... and the one its WSPSocket got */
    char lower_path[512];      /* the next layer's object */
    /* Added later; the members above keep their offsets. */
    int sends, recvs;                   /* WSPSend/WSPSendTo, WSPRecv/WSPRecvFrom that succeeded */
    WSAPROTOCOL_INFOW startup_info;     /* lpProtocolInfo of our last WSPStartup, as received */
    WSAPROTOCOL_INFOW socket_info;      /* ... of our last WSPSocket */
    WSAPROTOCOL_INFOW lower_socket_info; /* what that WSPSocket handed the next layer */
    DWORD string_entry, lower_string_entry;   /* WSPStringToAddress: received, handed down */
    DWORD address_entry, lower_address_entry; /* WSPAddressToString: received, handed down */
    DWORD duplicate_entry, lower_duplicate_entry; /* WSPDuplicateSocket: what we return, what the next gave */
    int ifs;                            /* 1 in the IFS variant */
    unsigned long long last_socket, last_lower_socket; /* the handle we returned, the next layer's */
};

#endif
