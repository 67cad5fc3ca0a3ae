/* rd-local-check.c: this computer's side of the path: VPNs, proxies, routes,
 * Remote Desktop clients, their cached certificates, the clock
 *
 * Nothing here leaves the machine: files under /sys, /proc and the user's
 * configuration, the system bus (NetworkManager, timedated), and the clients'
 * own --version. The check depends on no other, so that it answers even when
 * the server cannot be reached; comparing what it found with what the other
 * checks saw (the route to the resolved address, the cached certificate
 * against the live one) is the diagnosis' work.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-local-check"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "rd-cert-cache.h"
#include "rd-gateway-check.h"
#include "rd-local-check.h"
#include "rd-net.h"
#include "rd-routes.h"
#include "rd-target.h"

struct _RdLocalCheck
{
  RdCheck parent_instance;
};

G_DEFINE_FINAL_TYPE (RdLocalCheck, rd_local_check, RD_TYPE_CHECK)

/* Keep back this much of the deadline for building the result. */
#define RESERVE_US (50 * G_TIME_SPAN_MILLISECOND)

/* What the system bus and the clients' --version may take at most each, so
 * that a hung daemon or client does not eat the whole deadline. */
#define BUS_BUDGET_US     (1500 * G_TIME_SPAN_MILLISECOND)
#define CLIENTS_BUDGET_US (2000 * G_TIME_SPAN_MILLISECOND)

/* A report does not need a BGP table. */
#define MAX_ROUTES 256

#define ARPHRD_PPP_TYPE 512     /* include/uapi/linux/if_arp.h */
#define IFF_UP_FLAG     0x1     /* include/uapi/linux/if.h */
#define IFF_TUN_FLAG    0x0001  /* include/uapi/linux/if_tun.h */
#define IFF_TAP_FLAG    0x0002

/* Interface name prefixes of VPN software: OpenVPN, WireGuard, pppd (PPTP,
 * L2TP), strongSwan/libreswan, Tailscale, NordVPN, ProtonVPN, ZeroTier. */
static const char * const vpn_prefixes[] = {
  "tun", "tap", "wg", "ppp", "vpn", "ipsec", "vti", "xfrm", "tailscale", "nordlynx", "proton", "zt",
};

static const char * const client_binaries[] = {
  "xfreerdp", "xfreerdp3", "wlfreerdp", "wlfreerdp3", "sdl-freerdp", "sdl-freerdp3",
  "remmina", "gnome-connections",
};

static const char * const client_flatpaks[] = {
  "com.freerdp.FreeRDP", "org.remmina.Remmina", "org.gnome.Connections",
};

static char *
read_sys_value (const char *directory,
                const char *name)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return g_strstrip (g_steal_pointer (&contents));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
has_vpn_prefix (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (vpn_prefixes); i++)
    if (g_str_has_prefix (name, vpn_prefixes[i]))
      return TRUE;
  return FALSE;
}

/* The kind of VPN interface @name is, from what the kernel says about it,
 * or NULL. Tap devices are also how virtual machines get their network
 * (libvirt's vnet*): only those with a VPN's name count. */
static const char *
classify_interface (const char *directory,
                    const char *name)
{
  g_autofree char *uevent = read_sys_value (directory, "uevent");
  g_autofree char *type = read_sys_value (directory, "type");
  g_autofree char *tun_flags = read_sys_value (directory, "tun_flags");

  if (uevent != NULL && strstr (uevent, "DEVTYPE=wireguard") != NULL)
    return "wireguard";
  if (tun_flags != NULL)
    {
      guint64 flags = g_ascii_strtoull (tun_flags, NULL, 16);

      if (flags & IFF_TAP_FLAG)
        return has_vpn_prefix (name) ? "tap" : NULL;
      if (flags & IFF_TUN_FLAG)
        return "tun";
    }
  if (type != NULL && g_ascii_strtoull (type, NULL, 10) == ARPHRD_PPP_TYPE)
    return "ppp";
  if (uevent != NULL && (strstr (uevent, "DEVTYPE=vti") != NULL || strstr (uevent, "DEVTYPE=xfrm") != NULL))
    return "ipsec";
  return NULL;
}

/**
 * rd_local_check_scan_vpn_interfaces:
 * @sysfs_net: where the network interfaces are listed, normally /sys/class/net
 *
 * Returns: (transfer full): one object per VPN interface: `name`, `kind`
 *   (wireguard, tun, tap, ppp, ipsec), `up`
 */
JsonArray *
rd_local_check_scan_vpn_interfaces (const char *sysfs_net)
{
  JsonArray *interfaces = json_array_new ();
  g_autoptr(GDir) dir = g_dir_open (sysfs_net, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return interfaces;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *interface = g_ptr_array_index (names, i);
      g_autofree char *directory = g_build_filename (sysfs_net, interface, NULL);
      g_autofree char *flags = NULL;
      const char *kind = classify_interface (directory, interface);
      JsonObject *entry;

      if (kind == NULL)
        continue;
      flags = read_sys_value (directory, "flags");
      entry = json_object_new ();
      json_object_set_string_member (entry, "name", interface);
      json_object_set_string_member (entry, "kind", kind);
      json_object_set_boolean_member (entry, "up", flags != NULL && (g_ascii_strtoull (flags, NULL, 16) & IFF_UP_FLAG));
      json_array_add_object_element (interfaces, entry);
    }
  return interfaces;
}

/* ---- the system bus: NetworkManager's VPNs, timedated ------------------- */

typedef struct
{
  gboolean         done;
  GDBusConnection *connection;
} BusOpening;

static gboolean
bus_opening_is_done (gpointer data)
{
  return ((BusOpening *) data)->done;
}

static void
bus_opened_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  BusOpening *opening = user_data;

  opening->connection = g_dbus_connection_new_for_address_finish (result, NULL);
  opening->done = TRUE;
}

/* A private connection, so that nothing of it outlives the check; opened
 * asynchronously because a hung bus would block a synchronous one forever. */
static GDBusConnection *
open_system_bus (GMainContext *main_context,
                 gint64        deadline,
                 GCancellable *cancellable)
{
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SYSTEM, cancellable, NULL);
  g_autoptr(GCancellable) opening_cancellable = g_cancellable_new ();
  BusOpening opening = { FALSE, NULL };

  if (address == NULL)
    return NULL;
  g_dbus_connection_new_for_address (address,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                     G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                     NULL, opening_cancellable, bus_opened_cb, &opening);
  rd_net_wait_until (main_context, bus_opening_is_done, &opening, deadline, cancellable);
  g_cancellable_cancel (opening_cancellable);
  rd_net_wait_until (main_context, bus_opening_is_done, &opening, g_get_monotonic_time () + G_USEC_PER_SEC, NULL);
  return opening.connection;
}

static GVariant *
bus_call (GDBusConnection    *bus,
          const char         *destination,
          const char         *path,
          const char         *interface,
          const char         *method,
          GVariant           *parameters,
          const GVariantType *reply_type,
          gboolean            auto_start,
          gint64              deadline,
          GCancellable       *cancellable)
{
  gint64 remaining_ms = (deadline - g_get_monotonic_time ()) / 1000;

  if (remaining_ms <= 0)
    {
      if (parameters != NULL)
        g_variant_unref (g_variant_ref_sink (parameters));
      return NULL;
    }
  return g_dbus_connection_call_sync (bus, destination, path, interface, method, parameters, reply_type,
                                      auto_start ? G_DBUS_CALL_FLAGS_NONE : G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                      (int) MIN (remaining_ms, G_MAXINT), cancellable, NULL);
}

static GVariant *
get_property (GDBusConnection *bus,
              const char      *destination,
              const char      *path,
              const char      *interface,
              const char      *property,
              gboolean         auto_start,
              gint64           deadline,
              GCancellable    *cancellable)
{
  g_autoptr(GVariant) reply = bus_call (bus, destination, path, "org.freedesktop.DBus.Properties", "Get",
                                        g_variant_new ("(ss)", interface, property), G_VARIANT_TYPE ("(v)"),
                                        auto_start, deadline, cancellable);
  GVariant *value = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(v)", &value);
  return value;
}

/* NetworkManager's active VPN and WireGuard connections; NULL when
 * NetworkManager is not running, which is no fault. */
static JsonObject *
list_networkmanager_vpns (GDBusConnection *bus,
                          gint64           deadline,
                          GCancellable    *cancellable)
{
  static const char nm[] = "org.freedesktop.NetworkManager";
  g_autoptr(GVariant) owner = NULL;
  g_autoptr(GVariant) active = NULL;
  JsonObject *object;
  JsonArray *vpns;
  gboolean has_owner = FALSE;
  GVariantIter iter;
  const char *path;

  owner = bus_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                    "NameHasOwner", g_variant_new ("(s)", nm), G_VARIANT_TYPE ("(b)"),
                    FALSE, deadline, cancellable);
  if (owner != NULL)
    g_variant_get (owner, "(b)", &has_owner);
  if (!has_owner)
    return NULL;

  object = json_object_new ();
  vpns = json_array_new ();
  json_object_set_array_member (object, "vpn_connections", vpns);
  active = get_property (bus, nm, "/org/freedesktop/NetworkManager", nm, "ActiveConnections",
                         FALSE, deadline, cancellable);
  if (active == NULL || !g_variant_is_of_type (active, G_VARIANT_TYPE ("ao")))
    {
      json_object_set_boolean_member (object, "complete", FALSE);
      return object;
    }

  json_object_set_boolean_member (object, "complete", TRUE);
  g_variant_iter_init (&iter, active);
  while (g_variant_iter_next (&iter, "&o", &path))
    {
      g_autoptr(GVariant) reply = bus_call (bus, nm, path, "org.freedesktop.DBus.Properties", "GetAll",
                                            g_variant_new ("(s)", "org.freedesktop.NetworkManager.Connection.Active"),
                                            G_VARIANT_TYPE ("(a{sv})"), FALSE, deadline, cancellable);
      g_autoptr(GVariant) properties = NULL;
      const char *id = NULL, *type = NULL;
      gboolean vpn = FALSE;
      guint32 state = 0;

      if (reply == NULL)
        {
          json_object_set_boolean_member (object, "complete", FALSE);
          continue;
        }
      properties = g_variant_get_child_value (reply, 0);
      g_variant_lookup (properties, "Id", "&s", &id);
      g_variant_lookup (properties, "Type", "&s", &type);
      g_variant_lookup (properties, "Vpn", "b", &vpn);
      g_variant_lookup (properties, "State", "u", &state);
      if (vpn || g_strcmp0 (type, "wireguard") == 0 || g_strcmp0 (type, "vpn") == 0)
        {
          JsonObject *entry = json_object_new ();

          json_object_set_string_member (entry, "id", id != NULL ? id : "");
          json_object_set_string_member (entry, "type", type != NULL ? type : "");
          /* NM_ACTIVE_CONNECTION_STATE_ACTIVATED */
          json_object_set_boolean_member (entry, "activated", state == 2);
          json_array_add_object_element (vpns, entry);
        }
    }
  return object;
}

/* Whether the clock is kept in time, as timedatectl shows it: timedated over
 * the bus, else systemd-timesyncd's flag file. */
static JsonObject *
check_time_sync (GDBusConnection *bus,
                 gint64           deadline,
                 GCancellable    *cancellable)
{
  JsonObject *object = json_object_new ();
  g_autoptr(GVariant) synchronized = NULL;
  g_autoptr(GVariant) ntp = NULL;

  if (bus != NULL)
    synchronized = get_property (bus, "org.freedesktop.timedate1", "/org/freedesktop/timedate1",
                                 "org.freedesktop.timedate1", "NTPSynchronized", TRUE, deadline, cancellable);
  if (synchronized != NULL && g_variant_is_of_type (synchronized, G_VARIANT_TYPE_BOOLEAN))
    {
      ntp = get_property (bus, "org.freedesktop.timedate1", "/org/freedesktop/timedate1",
                          "org.freedesktop.timedate1", "NTP", TRUE, deadline, cancellable);
      json_object_set_string_member (object, "source", "timedated");
      json_object_set_boolean_member (object, "synchronized", g_variant_get_boolean (synchronized));
      if (ntp != NULL && g_variant_is_of_type (ntp, G_VARIANT_TYPE_BOOLEAN))
        json_object_set_boolean_member (object, "ntp_enabled", g_variant_get_boolean (ntp));
      else
        json_object_set_null_member (object, "ntp_enabled");
    }
  else if (g_file_test ("/run/systemd/timesync/synchronized", G_FILE_TEST_EXISTS))
    {
      json_object_set_string_member (object, "source", "timesyncd");
      json_object_set_boolean_member (object, "synchronized", TRUE);
      json_object_set_null_member (object, "ntp_enabled");
    }
  else
    {
      /* unknown: no timedated, and timesyncd is not the one keeping time (if any is) */
      json_object_set_null_member (object, "source");
      json_object_set_null_member (object, "synchronized");
      json_object_set_null_member (object, "ntp_enabled");
    }
  return object;
}

/* ---- proxies ------------------------------------------------------------- */

/* A proxy URI without its password: reports get sent around. */
static char *
redact_proxy (const char *value)
{
  g_autoptr(GUri) uri = g_uri_parse (value, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  const char *at;

  if (uri != NULL)
    return g_uri_to_string_partial (uri, G_URI_HIDE_PASSWORD | G_URI_HIDE_AUTH_PARAMS);
  at = strrchr (value, '@');
  return at != NULL ? g_strconcat ("***", at, NULL) : g_strdup (value);
}

static gboolean
no_proxy_matches (const char *list,
                  const char *host)
{
  g_auto(GStrv) items = g_strsplit_set (list, ", ", -1);
  gsize host_length = strlen (host);

  /* what FreeRDP's libfreerdp/core/proxy.c matches: "*", a name suffix
   * (case-insensitive, a leading dot ignored), an address or a prefix of it,
   * an address range */
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = items[i];
      gsize length;
      g_autoptr(GInetAddressMask) mask = NULL;
      g_autoptr(GInetAddress) address = NULL;

      if (*item == '\0')
        continue;
      if (g_str_equal (item, "*"))
        return TRUE;
      if (*item == '.')
        item++;
      length = strlen (item);
      if (length <= host_length && g_ascii_strcasecmp (host + host_length - length, item) == 0)
        return TRUE;
      address = g_inet_address_new_from_string (host);
      if (address == NULL)
        continue;
      if (g_str_has_prefix (host, item))
        return TRUE;
      mask = g_inet_address_mask_new_from_string (item, NULL);
      if (mask != NULL && g_inet_address_mask_matches (mask, address))
        return TRUE;
    }
  return FALSE;
}

/**
 * rd_local_check_freerdp_proxy:
 * @host: the host FreeRDP is given (the server, or the gateway)
 *
 * FreeRDP sends every connection through the proxy in `https_proxy` (or
 * `HTTPS_PROXY`) unless `no_proxy` (or `NO_PROXY`) names the host
 * (libfreerdp/core/proxy.c, proxy_prepare()); only http:// and socks5://
 * proxies are used.
 *
 * Returns: (transfer full) (nullable): the proxy FreeRDP would use from this
 *   environment, its password hidden
 */
char *
rd_local_check_freerdp_proxy (const char *host)
{
  const char *proxy = g_getenv ("https_proxy");
  const char *no_proxy[] = { g_getenv ("no_proxy"), g_getenv ("NO_PROXY") };
  const char *scheme_end;

  if (proxy == NULL || strlen (proxy) == 0)
    proxy = g_getenv ("HTTPS_PROXY");
  if (proxy == NULL || strlen (proxy) == 0)
    return NULL;

  scheme_end = strstr (proxy, "://");
  if (scheme_end != NULL)
    {
      g_autofree char *scheme = g_ascii_strdown (proxy, scheme_end - proxy);

      if (!g_str_equal (scheme, "http") && !g_str_equal (scheme, "socks5"))
        return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (no_proxy); i++)
    if (no_proxy[i] != NULL && no_proxy_matches (no_proxy[i], host))
      return NULL;
  return redact_proxy (proxy);
}

/* GNOME's proxy settings, read rather than resolved: GIO's resolver may fetch
 * a PAC file or ask WPAD, and this check sends nothing over the network. */
static JsonObject *
read_gnome_proxy (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source != NULL
                                        ? g_settings_schema_source_lookup (source, "org.gnome.system.proxy", TRUE)
                                        : NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *mode = NULL;
  JsonObject *object;
  static const char * const kinds[] = { "http", "https", "socks" };

  if (schema == NULL)
    return NULL;

  settings = g_settings_new_full (schema, NULL, NULL);
  mode = g_settings_get_string (settings, "mode");
  object = json_object_new ();
  json_object_set_string_member (object, "mode", mode);
  if (g_str_equal (mode, "manual"))
    {
      g_auto(GStrv) ignore = g_settings_get_strv (settings, "ignore-hosts");
      JsonArray *ignored = json_array_new ();

      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        {
          g_autoptr(GSettings) child = g_settings_get_child (settings, kinds[i]);
          g_autofree char *host = g_settings_get_string (child, "host");
          int port = g_settings_get_int (child, "port");

          if (*host != '\0')
            {
              g_autofree char *where = g_strdup_printf ("%s:%d", host, port);
              json_object_set_string_member (object, kinds[i], where);
            }
          else
            {
              json_object_set_null_member (object, kinds[i]);
            }
        }
      for (guint i = 0; ignore[i] != NULL; i++)
        json_array_add_string_element (ignored, ignore[i]);
      json_object_set_array_member (object, "ignore_hosts", ignored);
    }
  else if (g_str_equal (mode, "auto"))
    {
      g_autofree char *url = g_settings_get_string (settings, "autoconfig-url");
      json_object_set_string_member (object, "autoconfig_url", url);
    }
  return object;
}

static JsonObject *
describe_proxies (RdTarget *target,
                  RdTarget *gateway)
{
  JsonObject *object = json_object_new ();
  JsonObject *environment = json_object_new ();
  JsonObject *gnome = read_gnome_proxy ();
  g_autofree char *freerdp = rd_local_check_freerdp_proxy (rd_target_get_host (gateway != NULL ? gateway : target));
  static const char * const names[] = {
    "https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *value = g_getenv (names[i]);

      if (value == NULL)
        continue;
      if (g_ascii_strcasecmp (names[i], "no_proxy") == 0)
        json_object_set_string_member (environment, names[i], value);
      else
        {
          g_autofree char *redacted = redact_proxy (value);
          json_object_set_string_member (environment, names[i], redacted);
        }
    }
  json_object_set_object_member (object, "environment", environment);
  if (gnome != NULL)
    json_object_set_object_member (object, "gnome", gnome);
  else
    json_object_set_null_member (object, "gnome");
  /* FreeRDP sends the connection to the gateway when there is one, else to the server */
  if (freerdp != NULL)
    json_object_set_string_member (object, "freerdp_proxy", freerdp);
  else
    json_object_set_null_member (object, "freerdp_proxy");
  return object;
}

/* ---- routes -------------------------------------------------------------- */

static JsonArray *
read_routes (gboolean *truncated)
{
  JsonArray *list = json_array_new ();
  const char *files[] = { "/proc/net/route", "/proc/net/ipv6_route" };

  *truncated = FALSE;
  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *contents = NULL;
      g_autoptr(GPtrArray) routes = NULL;

      if (!g_file_get_contents (files[f], &contents, NULL, NULL))
        continue;
      routes = f == 0 ? rd_routes_parse_ipv4 (contents) : rd_routes_parse_ipv6 (contents);
      for (guint i = 0; i < routes->len; i++)
        {
          const RdRoute *route = g_ptr_array_index (routes, i);

          /* loopback and multicast routes never carry a connection to a server */
          if (g_str_equal (route->interface, "lo") ||
              (route->family == G_SOCKET_FAMILY_IPV6 && route->destination[0] == 0xFF))
            continue;
          if (json_array_get_length (list) >= MAX_ROUTES)
            {
              *truncated = TRUE;
              break;
            }
          json_array_add_object_element (list, rd_route_to_json (route));
        }
    }
  return list;
}

/* ---- Remote Desktop clients ---------------------------------------------- */

typedef struct
{
  GSubprocess *process;
  char        *output;
  GError      *error;
  gboolean     done;
} VersionProbe;

typedef struct
{
  guint pending;
} VersionProbes;

typedef struct
{
  VersionProbe  *probe;
  VersionProbes *probes;
} VersionSlot;

static gboolean
versions_are_done (gpointer data)
{
  return ((VersionProbes *) data)->pending == 0;
}

static void
version_done_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree VersionSlot *slot = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source_object), result,
                                        &slot->probe->output, NULL, &slot->probe->error);
  slot->probe->done = TRUE;
  slot->probes->pending--;
}

static char *
find_version_number (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("\\b([0-9]+\\.[0-9]+(\\.[0-9]+)?)\\b", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (text != NULL && g_regex_match (regex, text, 0, &match))
    return g_match_info_fetch (match, 1);
  return NULL;
}

/* The clients in PATH, each asked for its --version with no display and no
 * session bus, so that a graphical client can neither open a window nor hand
 * the request to a running instance. */
static void
find_binaries (JsonArray    *clients,
               GMainContext *main_context,
               gint64        deadline,
               GCancellable *cancellable)
{
  VersionProbe probes[G_N_ELEMENTS (client_binaries)] = { { NULL, } };
  char *paths[G_N_ELEMENTS (client_binaries)] = { NULL, };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_MERGE |
                                                                       G_SUBPROCESS_FLAGS_STDIN_PIPE);
  VersionProbes pending = { 0 };

  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "disabled:", TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (client_binaries); i++)
    {
      paths[i] = g_find_program_in_path (client_binaries[i]);
      if (paths[i] == NULL)
        continue;
      probes[i].process = g_subprocess_launcher_spawn (launcher, &probes[i].error, paths[i], "--version", NULL);
      if (probes[i].process != NULL)
        {
          VersionSlot *slot = g_new0 (VersionSlot, 1);

          slot->probe = &probes[i];
          slot->probes = &pending;
          pending.pending++;
          g_subprocess_communicate_utf8_async (probes[i].process, NULL, NULL, version_done_cb, slot);
        }
    }

  rd_net_wait_until (main_context, versions_are_done, &pending, deadline, cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (client_binaries); i++)
    if (probes[i].process != NULL && !probes[i].done)
      g_subprocess_force_exit (probes[i].process);
  /* the killed ones end their communication at once */
  rd_net_wait_until (main_context, versions_are_done, &pending, g_get_monotonic_time () + G_USEC_PER_SEC, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (client_binaries); i++)
    {
      JsonObject *entry;

      if (paths[i] == NULL)
        continue;
      entry = json_object_new ();
      json_object_set_string_member (entry, "name", client_binaries[i]);
      json_object_set_string_member (entry, "kind", "binary");
      json_object_set_string_member (entry, "path", paths[i]);
      if (probes[i].done && probes[i].error == NULL)
        {
          g_auto(GStrv) lines = g_strsplit (probes[i].output != NULL ? probes[i].output : "", "\n", 2);
          g_autofree char *first = g_utf8_make_valid (lines[0] != NULL ? g_strstrip (lines[0]) : "", -1);
          g_autofree char *number = find_version_number (probes[i].output);
          gboolean exited = g_subprocess_get_if_exited (probes[i].process);

          if (g_utf8_strlen (first, -1) > 200)
            *g_utf8_offset_to_pointer (first, 200) = '\0';
          json_object_set_string_member (entry, "version_text", first);
          if (number != NULL)
            json_object_set_string_member (entry, "version", number);
          else
            json_object_set_null_member (entry, "version");
          /* a client that cannot even print its version is broken (a missing library, a crash) */
          json_object_set_boolean_member (entry, "starts",
                                          !(exited && g_subprocess_get_exit_status (probes[i].process) == 127) &&
                                          !g_subprocess_get_if_signaled (probes[i].process) &&
                                          strstr (probes[i].output != NULL ? probes[i].output : "",
                                                  "error while loading shared libraries") == NULL);
        }
      else
        {
          json_object_set_null_member (entry, "version");
          json_object_set_string_member (entry, "error",
                                         probes[i].error != NULL ? probes[i].error->message : "no answer in time");
        }
      json_array_add_object_element (clients, entry);

      g_clear_object (&probes[i].process);
      g_clear_pointer (&probes[i].output, g_free);
      g_clear_error (&probes[i].error);
      g_free (paths[i]);
    }
}

static void
find_flatpaks (JsonArray *clients)
{
  g_autofree char *user = g_build_filename (g_get_user_data_dir (), "flatpak", "exports", "share", "applications", NULL);
  const struct {
    const char *installation;
    const char *directory;
  } installations[] = {
    { "system", "/var/lib/flatpak/exports/share/applications" },
    { "user", user },
  };

  for (guint i = 0; i < G_N_ELEMENTS (client_flatpaks); i++)
    for (guint k = 0; k < G_N_ELEMENTS (installations); k++)
      {
        g_autofree char *file_name = g_strconcat (client_flatpaks[i], ".desktop", NULL);
        g_autofree char *path = g_build_filename (installations[k].directory, file_name, NULL);
        JsonObject *entry;

        if (!g_file_test (path, G_FILE_TEST_EXISTS))
          continue;
        entry = json_object_new ();
        json_object_set_string_member (entry, "name", client_flatpaks[i]);
        json_object_set_string_member (entry, "kind", "flatpak");
        json_object_set_string_member (entry, "installation", installations[k].installation);
        json_array_add_object_element (clients, entry);
      }
}

/* ---- cached certificates -------------------------------------------------- */

static void
add_cached_certificates (JsonArray  *list,
                         const char *role,
                         RdTarget   *target,
                         GDateTime  *now)
{
  g_autoptr(JsonArray) found = rd_cert_cache_lookup (rd_target_get_host (target), rd_target_get_port (target), now);

  for (guint i = 0; i < json_array_get_length (found); i++)
    {
      JsonObject *entry = json_array_get_object_element (found, i);

      json_object_set_string_member (entry, "for", role);
      json_object_set_string_member (entry, "host", rd_target_get_host (target));
      json_object_set_int_member (entry, "port", rd_target_get_port (target));
      json_array_add_object_element (list, json_object_ref (entry));
    }
}

/* ---- the check ------------------------------------------------------------ */

static char *
summarize (JsonArray  *vpn_interfaces,
           JsonObject *networkmanager,
           JsonObject *proxies,
           JsonArray  *clients,
           JsonArray  *cached,
           JsonObject *time_sync,
           gboolean   *notable)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) vpns = g_string_new (NULL);
  JsonArray *nm_vpns = networkmanager != NULL ? json_object_get_array_member (networkmanager, "vpn_connections") : NULL;
  const char *proxy = json_object_get_string_member_with_default (proxies, "freerdp_proxy", NULL);
  guint n_clients = json_array_get_length (clients);
  guint n_cached = json_array_get_length (cached);
  g_autofree char *joined = NULL;

  *notable = FALSE;
  for (guint i = 0; i < json_array_get_length (vpn_interfaces); i++)
    {
      JsonObject *entry = json_array_get_object_element (vpn_interfaces, i);

      if (json_object_get_boolean_member (entry, "up"))
        g_string_append_printf (vpns, "%s%s", vpns->len > 0 ? ", " : "", json_object_get_string_member (entry, "name"));
    }
  for (guint i = 0; nm_vpns != NULL && i < json_array_get_length (nm_vpns); i++)
    g_string_append_printf (vpns, "%s%s", vpns->len > 0 ? ", " : "",
                            json_object_get_string_member (json_array_get_object_element (nm_vpns, i), "id"));

  if (vpns->len > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("VPN connected (%s)"), vpns->str));
  else
    g_ptr_array_add (parts, g_strdup (_("no VPN")));
  if (proxy != NULL)
    {
      g_ptr_array_add (parts, g_strdup_printf (_("FreeRDP would go through the proxy %s"), proxy));
      *notable = TRUE;
    }
  if (n_clients > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Remote Desktop client",
                                                          "%u Remote Desktop clients", n_clients), n_clients));
  else
    g_ptr_array_add (parts, g_strdup (_("no Remote Desktop client found")));
  if (n_cached > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u remembered certificate",
                                                          "%u remembered certificates", n_cached), n_cached));
  if (json_object_get_member (time_sync, "synchronized") != NULL &&
      !json_object_get_null_member (time_sync, "synchronized") &&
      !json_object_get_boolean_member (time_sync, "synchronized"))
    {
      g_ptr_array_add (parts, g_strdup (_("clock not synchronised")));
      *notable = TRUE;
    }

  g_ptr_array_add (parts, NULL);
  joined = g_strjoinv ("; ", (char **) parts->pdata);
  /* Translators: %s lists what was found, such as "no VPN; 2 Remote Desktop clients" */
  return g_strdup_printf (_("This computer: %s"), joined);
}

/* What this machine looks like does not depend on the host being checked.
 * One look serves every host checked within MACHINE_STATE_TTL_US: a fleet run
 * would otherwise start every RDP client's --version and open a system-bus
 * connection for each host on the list. The wizard's "check again" comes
 * later than that, and looks afresh. */
#define MACHINE_STATE_TTL_US (2 * G_USEC_PER_SEC)

static const char * const machine_members[] = {
  "vpn_interfaces", "networkmanager", "time_sync", "routes", "routes_truncated", "clients",
};

static GMutex machine_lock;
static GCond machine_changed;
static JsonObject *machine_state;     /* the last complete look, or NULL */
static gint64 machine_state_taken_us;
static gboolean machine_looking;      /* a check is looking right now */

static JsonObject *
look_at_machine (GMainContext *main_context,
                 gint64        deadline,
                 GCancellable *cancellable)
{
  JsonObject *machine = json_object_new ();
  g_autoptr(GDBusConnection) bus = NULL;
  JsonObject *networkmanager;
  JsonArray *clients;
  gboolean truncated;
  gint64 bus_deadline;

  json_object_set_array_member (machine, "vpn_interfaces", rd_local_check_scan_vpn_interfaces ("/sys/class/net"));

  bus_deadline = MIN (deadline, g_get_monotonic_time () + BUS_BUDGET_US);
  bus = open_system_bus (main_context, bus_deadline, cancellable);
  networkmanager = bus != NULL ? list_networkmanager_vpns (bus, bus_deadline, cancellable) : NULL;
  if (networkmanager != NULL)
    json_object_set_object_member (machine, "networkmanager", networkmanager);
  else
    json_object_set_null_member (machine, "networkmanager");
  json_object_set_object_member (machine, "time_sync", check_time_sync (bus, bus_deadline, cancellable));
  if (bus != NULL)
    g_dbus_connection_close (bus, NULL, NULL, NULL);

  json_object_set_array_member (machine, "routes", read_routes (&truncated));
  json_object_set_boolean_member (machine, "routes_truncated", truncated);

  clients = json_array_new ();
  find_binaries (clients, main_context, MIN (deadline, g_get_monotonic_time () + CLIENTS_BUDGET_US), cancellable);
  find_flatpaks (clients);
  json_object_set_array_member (machine, "clients", clients);
  return machine;
}

static void
wake_machine_waiters (GCancellable *cancellable,
                      gpointer      user_data)
{
  g_mutex_lock (&machine_lock);
  g_cond_broadcast (&machine_changed);
  g_mutex_unlock (&machine_lock);
}

/**
 * rd_local_check_forget_machine_state:
 *
 * Makes the next local check look at this machine afresh, for callers that
 * know it changed since the last look.
 */
void
rd_local_check_forget_machine_state (void)
{
  g_mutex_lock (&machine_lock);
  g_clear_pointer (&machine_state, json_object_unref);
  g_mutex_unlock (&machine_lock);
}

/* Called with machine_lock held: a fresh look, if there is one, goes into @evidence. */
static gboolean
copy_fresh_machine_state (JsonObject *evidence)
{
  if (machine_state == NULL || g_get_monotonic_time () - machine_state_taken_us >= MACHINE_STATE_TTL_US)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (machine_members); i++)
    json_object_set_member (evidence, machine_members[i],
                            json_node_copy (json_object_get_member (machine_state, machine_members[i])));
  return TRUE;
}

/* Puts this machine's state into @evidence: a recent look, the one another
 * check is taking right now, or a new one. */
static void
add_machine_state (JsonObject   *evidence,
                   GMainContext *main_context,
                   gint64        deadline,
                   GCancellable *cancellable)
{
  g_autoptr(JsonObject) machine = NULL;
  gulong handler = 0;
  gboolean copied, share;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_machine_waiters), NULL, NULL);
  g_mutex_lock (&machine_lock);
  while (machine_looking && !g_cancellable_is_cancelled (cancellable) && g_get_monotonic_time () < deadline)
    g_cond_wait_until (&machine_changed, &machine_lock, deadline);
  copied = copy_fresh_machine_state (evidence);
  /* only one check looks at a time; one that waited in vain looks for itself */
  share = !copied && !machine_looking;
  if (share)
    machine_looking = TRUE;
  g_mutex_unlock (&machine_lock);
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  if (copied)
    return;

  machine = look_at_machine (main_context, deadline, cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (machine_members); i++)
    json_object_set_member (evidence, machine_members[i],
                            json_node_copy (json_object_get_member (machine, machine_members[i])));
  if (!share)
    return;

  g_mutex_lock (&machine_lock);
  machine_looking = FALSE;
  /* a look cut short by a cancellation is not one to share */
  if (!g_cancellable_is_cancelled (cancellable))
    {
      g_clear_pointer (&machine_state, json_object_unref);
      machine_state = g_steal_pointer (&machine);
      machine_state_taken_us = g_get_monotonic_time ();
    }
  g_cond_broadcast (&machine_changed);
  g_mutex_unlock (&machine_lock);
}

static RdCheckResult *
rd_local_check_run (RdCheck        *check,
                    RdCheckContext *context,
                    GCancellable   *cancellable)
{
  RdTarget *target = rd_check_context_get_target (context);
  GVariant *gateway_option = rd_check_context_get_option (context, RD_OPTION_GATEWAY);
  gint64 deadline = rd_check_context_get_deadline (context) - RESERVE_US;
  g_autoptr(GMainContext) main_context = g_main_context_new ();
  g_autoptr(RdTarget) gateway = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  JsonObject *evidence = json_object_new ();
  JsonArray *cached;
  JsonObject *proxies;
  gboolean notable;
  char *summary;

  if (gateway_option != NULL && g_variant_is_of_type (gateway_option, G_VARIANT_TYPE_STRING))
    gateway = rd_target_parse (g_variant_get_string (gateway_option, NULL), RD_DEFAULT_GATEWAY_PORT, NULL);

  g_main_context_push_thread_default (main_context);

  add_machine_state (evidence, main_context, deadline, cancellable);

  /* what depends on the host */
  proxies = describe_proxies (target, gateway);
  json_object_set_object_member (evidence, "proxy", proxies);

  cached = json_array_new ();
  add_cached_certificates (cached, "target", target, now);
  if (gateway != NULL)
    add_cached_certificates (cached, "gateway", gateway, now);
  json_object_set_array_member (evidence, "cached_certificates", cached);

  while (g_main_context_iteration (main_context, FALSE))
    ;
  g_main_context_pop_thread_default (main_context);

  if (g_cancellable_is_cancelled (cancellable))
    return rd_check_result_new_take ("local", RD_CHECK_STATUS_ERROR, g_strdup (_("Cancelled")), evidence);

  summary = summarize (json_object_get_array_member (evidence, "vpn_interfaces"),
                       json_object_get_null_member (evidence, "networkmanager")
                         ? NULL : json_object_get_object_member (evidence, "networkmanager"),
                       proxies, json_object_get_array_member (evidence, "clients"), cached,
                       json_object_get_object_member (evidence, "time_sync"), &notable);
  return rd_check_result_new_take ("local", notable ? RD_CHECK_STATUS_WARN : RD_CHECK_STATUS_PASS,
                                   summary, evidence);
}

static void
rd_local_check_class_init (RdLocalCheckClass *klass)
{
  RD_CHECK_CLASS (klass)->run = rd_local_check_run;
}

static void
rd_local_check_init (RdLocalCheck *self)
{
}

RdCheck *
rd_local_check_new (void)
{
  return g_object_new (RD_TYPE_LOCAL_CHECK,
                       "id", "local",
                       "title", _("This computer"),
                       NULL);
}
