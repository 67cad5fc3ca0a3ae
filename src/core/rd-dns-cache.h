/* rd-dns-cache.h: flushes this computer's cache of looked-up names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define RD_DNS_CACHE_ERROR (rd_dns_cache_error_quark ())

/**
 * RdDnsCacheError:
 * @RD_DNS_CACHE_ERROR_NOT_RUNNING: systemd-resolved (or the system bus) is not
 *   there: this computer caches names elsewhere, or not at all
 * @RD_DNS_CACHE_ERROR_NOT_ALLOWED: the bus policy or polkit refused
 * @RD_DNS_CACHE_ERROR_FAILED: systemd-resolved answered with another error
 */
typedef enum
{
  RD_DNS_CACHE_ERROR_NOT_RUNNING,
  RD_DNS_CACHE_ERROR_NOT_ALLOWED,
  RD_DNS_CACHE_ERROR_FAILED,
} RdDnsCacheError;

#define RD_TYPE_DNS_CACHE (rd_dns_cache_get_type ())
G_DECLARE_FINAL_TYPE (RdDnsCache, rd_dns_cache, RD, DNS_CACHE, GObject)

GQuark      rd_dns_cache_error_quark        (void);

RdDnsCache *rd_dns_cache_new                (void);
RdDnsCache *rd_dns_cache_new_for_connection (GDBusConnection      *connection);
void        rd_dns_cache_flush_async        (RdDnsCache           *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean    rd_dns_cache_flush_finish       (RdDnsCache           *self,
                                             GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
