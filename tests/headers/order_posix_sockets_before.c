/* <sys/socket.h> before winsock2.h: must be refused with a message that
 * names ws2posix (check_headers.py checks the compiler's stderr). */
#include <sys/socket.h>
#include <winsock2.h>
int w2p_case_main(void);
int w2p_case_main(void) { return 0; }
