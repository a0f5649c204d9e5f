/* POSIX socket headers after winsock2.h: they must compile and leave
 * Winsock's meaning in place. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "winsock_meaning.h"
