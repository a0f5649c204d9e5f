/*
 * ws2posix - rewriting the order of the Winsock catalogs.
 *
 * The dispatcher searches protocol entries and namespace providers in catalog
 * order; these calls let an installer (typically one placing a layered
 * provider first) write a new order.
 */
#ifndef WS2POSIX_SPORDER_H
#define WS2POSIX_SPORDER_H

#include <windef.h>
#include <winsock2.h>

W2P_BEGIN_DECLS

/* lpwdCatalogEntryId lists every catalog entry id, each once, in the new
 * order; lpProviderId does the same for namespace provider ids. */
typedef int (WSPAPI *LPWSCWRITEPROVIDERORDER)(LPDWORD lpwdCatalogEntryId,
        DWORD dwNumberOfEntries);
typedef int (WSPAPI *LPWSCWRITENAMESPACEORDER)(LPGUID lpProviderId,
        DWORD dwNumberOfEntries);

int WSPAPI WSCWriteProviderOrder(LPDWORD lpwdCatalogEntryId,
        DWORD dwNumberOfEntries);
int WSPAPI WSCWriteNameSpaceOrder(LPGUID lpProviderId,
        DWORD dwNumberOfEntries);

/* The 32-bit catalogs of a 64-bit system, as Windows x64 declares them. */
int WSPAPI WSCWriteProviderOrder32(LPDWORD lpwdCatalogEntryId,
        DWORD dwNumberOfEntries);
int WSPAPI WSCWriteNameSpaceOrder32(LPGUID lpProviderId,
        DWORD dwNumberOfEntries);

W2P_END_DECLS

#endif /* WS2POSIX_SPORDER_H */
