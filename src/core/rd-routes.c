/* rd-routes.c: this machine's routing table, and which route an address takes
 *
 * Only the main table is in /proc/net/route: policy routing (wg-quick's
 * "Table = auto" for a full tunnel, for one) is not seen here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-routes"

#include "config.h"

#include <string.h>

#include "rd-routes.h"

/* include/uapi/linux/route.h and ipv6_route.h */
#define ROUTE_FLAG_UP     0x0001
#define ROUTE_FLAG_REJECT 0x0200

void
rd_route_free (RdRoute *route)
{
  if (route == NULL)
    return;
  g_free (route->interface);
  g_free (route);
}

static gboolean
parse_hex_u32 (const char *text,
               guint32    *value)
{
  guint64 parsed;
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  parsed = g_ascii_strtoull (text, &end, 16);
  if (*end != '\0' || parsed > G_MAXUINT32)
    return FALSE;
  *value = (guint32) parsed;
  return TRUE;
}

static gboolean
parse_hex_bytes (const char *text,
                 guint8     *bytes,
                 gsize       length)
{
  if (strlen (text) != length * 2)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      int high = g_ascii_xdigit_value (text[2 * i]);
      int low = g_ascii_xdigit_value (text[2 * i + 1]);

      if (high < 0 || low < 0)
        return FALSE;
      bytes[i] = (guint8) (high << 4 | low);
    }
  return TRUE;
}

/* Fields split on runs of blanks, as the kernel pads them. */
static GStrv
split_fields (const char *line)
{
  g_auto(GStrv) raw = g_strsplit_set (line, " \t", -1);
  GPtrArray *fields = g_ptr_array_new ();

  for (guint i = 0; raw[i] != NULL; i++)
    if (*raw[i] != '\0')
      g_ptr_array_add (fields, g_strdup (raw[i]));
  g_ptr_array_add (fields, NULL);
  return (GStrv) g_ptr_array_free (fields, FALSE);
}

/**
 * rd_routes_parse_ipv4:
 * @text: the contents of /proc/net/route
 *
 * The kernel prints each address as the 32-bit number it holds in network
 * order, formatted in host order: copying that number back into memory gives
 * the address bytes. Routes that are down or reject are left out.
 *
 * Returns: (transfer full) (element-type RdRoute): the routes
 */
GPtrArray *
rd_routes_parse_ipv4 (const char *text)
{
  GPtrArray *routes = g_ptr_array_new_with_free_func ((GDestroyNotify) rd_route_free);
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  /* the first line names the columns */
  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = split_fields (lines[i]);
      guint32 destination, gateway, flags, mask;
      guint64 metric;
      RdRoute *route;

      if (g_strv_length (fields) < 8 ||
          !parse_hex_u32 (fields[1], &destination) || !parse_hex_u32 (fields[2], &gateway) ||
          !parse_hex_u32 (fields[3], &flags) || !parse_hex_u32 (fields[7], &mask) ||
          !g_ascii_string_to_unsigned (fields[6], 10, 0, G_MAXUINT32, &metric, NULL))
        continue;
      if ((flags & ROUTE_FLAG_UP) == 0 || (flags & ROUTE_FLAG_REJECT) != 0)
        continue;

      route = g_new0 (RdRoute, 1);
      route->family = G_SOCKET_FAMILY_IPV4;
      memcpy (route->destination, &destination, 4);
      memcpy (route->gateway, &gateway, 4);
      route->has_gateway = gateway != 0;
      route->prefix = 0;
      {
        guint8 mask_bytes[4];

        memcpy (mask_bytes, &mask, 4);
        for (guint b = 0; b < 32 && (mask_bytes[b / 8] & (0x80 >> (b % 8))) != 0; b++)
          route->prefix++;
      }
      route->metric = (guint32) metric;
      route->interface = g_strdup (fields[0]);
      g_ptr_array_add (routes, route);
    }
  return routes;
}

/**
 * rd_routes_parse_ipv6:
 * @text: the contents of /proc/net/ipv6_route
 *
 * Returns: (transfer full) (element-type RdRoute): the routes that are up and
 *   do not reject
 */
GPtrArray *
rd_routes_parse_ipv6 (const char *text)
{
  GPtrArray *routes = g_ptr_array_new_with_free_func ((GDestroyNotify) rd_route_free);
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = split_fields (lines[i]);
      guint32 prefix, metric, flags;
      RdRoute route = { 0, };
      static const guint8 zero[16] = { 0, };

      /* dest dest_len src src_len next_hop metric refcnt use flags device */
      if (g_strv_length (fields) < 10 ||
          !parse_hex_bytes (fields[0], route.destination, 16) ||
          !parse_hex_u32 (fields[1], &prefix) || prefix > 128 ||
          !parse_hex_bytes (fields[4], route.gateway, 16) ||
          !parse_hex_u32 (fields[5], &metric) ||
          !parse_hex_u32 (fields[8], &flags))
        continue;
      if ((flags & ROUTE_FLAG_UP) == 0 || (flags & ROUTE_FLAG_REJECT) != 0)
        continue;

      route.family = G_SOCKET_FAMILY_IPV6;
      route.prefix = prefix;
      route.metric = metric;
      route.has_gateway = memcmp (route.gateway, zero, 16) != 0;
      route.interface = g_strdup (fields[9]);
      g_ptr_array_add (routes, g_memdup2 (&route, sizeof route));
    }
  return routes;
}

static gboolean
prefix_matches (const guint8 *network,
                const guint8 *address,
                guint         prefix)
{
  guint whole = prefix / 8, rest = prefix % 8;

  if (memcmp (network, address, whole) != 0)
    return FALSE;
  if (rest == 0)
    return TRUE;
  return ((network[whole] ^ address[whole]) & (0xFF << (8 - rest))) == 0;
}

/**
 * rd_routes_lookup:
 * @routes: (element-type RdRoute): from rd_routes_parse_ipv4(),
 *   rd_routes_parse_ipv6() or rd_routes_from_json()
 *
 * Returns: (transfer none) (nullable): the route @address takes: the longest
 *   matching prefix, then the lowest metric
 */
const RdRoute *
rd_routes_lookup (GPtrArray    *routes,
                  GInetAddress *address)
{
  const guint8 *bytes = g_inet_address_to_bytes (address);
  GSocketFamily family = g_inet_address_get_family (address);
  const RdRoute *best = NULL;

  for (guint i = 0; i < routes->len; i++)
    {
      const RdRoute *route = g_ptr_array_index (routes, i);

      if (route->family != family || !prefix_matches (route->destination, bytes, route->prefix))
        continue;
      if (best == NULL || route->prefix > best->prefix ||
          (route->prefix == best->prefix && route->metric < best->metric))
        best = route;
    }
  return best;
}

static char *
bytes_to_string (GSocketFamily  family,
                 const guint8  *bytes)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_bytes (bytes, family);
  return g_inet_address_to_string (address);
}

JsonObject *
rd_route_to_json (const RdRoute *route)
{
  JsonObject *object = json_object_new ();
  g_autofree char *destination = bytes_to_string (route->family, route->destination);

  json_object_set_string_member (object, "family", route->family == G_SOCKET_FAMILY_IPV6 ? "ipv6" : "ipv4");
  json_object_set_string_member (object, "destination", destination);
  json_object_set_int_member (object, "prefix", route->prefix);
  if (route->has_gateway)
    {
      g_autofree char *gateway = bytes_to_string (route->family, route->gateway);
      json_object_set_string_member (object, "gateway", gateway);
    }
  else
    {
      json_object_set_null_member (object, "gateway");
    }
  json_object_set_string_member (object, "interface", route->interface);
  json_object_set_int_member (object, "metric", route->metric);
  return object;
}

/**
 * rd_routes_from_json:
 * @array: routes as rd_route_to_json() wrote them (a saved report)
 *
 * Returns: (transfer full) (element-type RdRoute): the routes; malformed
 *   entries are left out
 */
GPtrArray *
rd_routes_from_json (JsonArray *array)
{
  GPtrArray *routes = g_ptr_array_new_with_free_func ((GDestroyNotify) rd_route_free);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *destination_text, *gateway_text, *interface;
      g_autoptr(GInetAddress) destination = NULL;
      g_autoptr(GInetAddress) gateway = NULL;
      gint64 prefix;
      RdRoute *route;

      if (object == NULL)
        continue;
      destination_text = json_object_get_string_member_with_default (object, "destination", NULL);
      gateway_text = json_object_get_string_member_with_default (object, "gateway", NULL);
      interface = json_object_get_string_member_with_default (object, "interface", NULL);
      prefix = json_object_get_int_member_with_default (object, "prefix", -1);
      destination = destination_text != NULL ? g_inet_address_new_from_string (destination_text) : NULL;
      gateway = gateway_text != NULL ? g_inet_address_new_from_string (gateway_text) : NULL;
      if (destination == NULL || interface == NULL || prefix < 0 ||
          prefix > (gint64) g_inet_address_get_native_size (destination) * 8)
        continue;

      route = g_new0 (RdRoute, 1);
      route->family = g_inet_address_get_family (destination);
      memcpy (route->destination, g_inet_address_to_bytes (destination), g_inet_address_get_native_size (destination));
      if (gateway != NULL && g_inet_address_get_family (gateway) == route->family)
        {
          memcpy (route->gateway, g_inet_address_to_bytes (gateway), g_inet_address_get_native_size (gateway));
          route->has_gateway = TRUE;
        }
      route->prefix = (guint) prefix;
      route->metric = (guint32) CLAMP (json_object_get_int_member_with_default (object, "metric", 0), 0, G_MAXUINT32);
      route->interface = g_strdup (interface);
      g_ptr_array_add (routes, route);
    }
  return routes;
}
