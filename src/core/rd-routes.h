/* rd-routes.h: this machine's routing table, as Linux shows it in
 * /proc/net/route and /proc/net/ipv6_route, and which route an address takes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  GSocketFamily  family;
  guint8         destination[16];  /* network byte order; 4 bytes used for IPv4 */
  guint          prefix;           /* bits */
  guint8         gateway[16];
  gboolean       has_gateway;
  guint32        metric;
  char          *interface;
} RdRoute;

void           rd_route_free        (RdRoute      *route);
GPtrArray     *rd_routes_parse_ipv4 (const char   *text);
GPtrArray     *rd_routes_parse_ipv6 (const char   *text);
const RdRoute *rd_routes_lookup     (GPtrArray    *routes,
                                     GInetAddress *address);
JsonObject    *rd_route_to_json     (const RdRoute *route);
GPtrArray     *rd_routes_from_json  (JsonArray    *array);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RdRoute, rd_route_free)

G_END_DECLS
