/* Message windows (messages.c): the POSIX stand-in for the windows that
 * WSAAsyncSelect posts to. */
#ifndef WS2POSIX_MESSAGES_H
#define WS2POSIX_MESSAGES_H
#include "ws2.h"
/* TRUE when hWnd is a live window of w2p_CreateMessageWindow. */
BOOL ws2__window_valid(HWND hWnd);
/* Post a message; FALSE when the window is gone or memory is short. */
BOOL ws2__window_post(HWND hWnd, UINT msg, WPARAM wParam, LPARAM lParam);
#endif
