/* The include order of Microsoft's "Getting Started with Winsock" client. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdlib.h>
#include <stdio.h>
#include "winsock_meaning.h"
