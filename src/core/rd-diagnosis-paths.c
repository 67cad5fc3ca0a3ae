/* rd-diagnosis-paths.c: the rules about the paths around the server: the RD
 * Gateway, VPNs and proxies on this computer, the client's remembered
 * certificates, this computer's clock
 *
 * Pure, like every rule: the gateway and local checks recorded what they
 * found (and the clock where it mattered); here it is only compared.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-diagnosis-paths"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "rd-diagnosis-private.h"
#include "rd-routes.h"
#include "rd-target.h"

/* A remembered self-signed certificate this close to its end was about to be
 * replaced: Windows renews its own before it expires. */
#define RENEWAL_WINDOW_DAYS 30

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object,
           const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
has_cause (RdDiagnosis *self,
           const char  *cause_id)
{
  GPtrArray *causes = rd_diagnosis_get_causes (self);

  for (guint i = 0; i < causes->len; i++)
    if (g_strcmp0 (rd_cause_get_id (g_ptr_array_index (causes, i)), cause_id) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_usable (RdCheckResult *result)
{
  return result != NULL &&
         rd_check_result_get_status (result) != RD_CHECK_STATUS_SKIPPED &&
         rd_check_result_get_status (result) != RD_CHECK_STATUS_ERROR;
}

/* ---- the gateway ----------------------------------------------------------- */

static void
diagnose_gateway_certificate (RdDiagnosis   *self,
                              RdCheckResult *gateway,
                              const char    *host)
{
  JsonObject *evidence = rd_check_result_get_evidence (gateway);
  JsonObject *certificate = get_object (evidence, "certificate");
  const char *inspection = get_string (evidence, "tls_inspection");
  g_autoptr(GInetAddress) literal = g_inet_address_new_from_string (host);

  if (certificate == NULL)
    return;

  if (inspection != NULL)
    {
      g_autofree char *why = g_strdup_printf (_("The gateway’s certificate was issued by “%s”, which is how %s marks connections it inspects: the encrypted connection ends there, not at the gateway."),
                                              get_string (certificate, "issuer") != NULL ? get_string (certificate, "issuer") : "?",
                                              inspection);
      rd_diagnosis_suggest (self, "gateway-cert-mismatch", 0.8, gateway, why);
    }

  /* a gateway typed as an address always draws a warning: not a fault of its own */
  if (literal == NULL && !json_object_get_boolean_member_with_default (evidence, "names_gateway", TRUE))
    {
      const char *cn = get_string (certificate, "subject_cn");
      g_autofree char *why = g_strdup_printf (_("The gateway’s certificate is for “%s”, not for “%s”."),
                                              cn != NULL ? cn : "?", host);
      rd_diagnosis_suggest (self, "gateway-cert-mismatch", 0.8, gateway, why);
    }

  if (json_object_get_boolean_member_with_default (certificate, "expired", FALSE) ||
      json_object_get_boolean_member_with_default (certificate, "not_yet_valid", FALSE))
    {
      g_autofree char *why = g_strdup_printf (_("The gateway’s certificate is valid from %s to %s, which does not include now."),
                                              get_string (certificate, "not_before") != NULL ? get_string (certificate, "not_before") : "?",
                                              get_string (certificate, "not_after") != NULL ? get_string (certificate, "not_after") : "?");
      rd_diagnosis_suggest (self, "gateway-cert-mismatch", 0.7, gateway, why);
    }
}

static void
diagnose_gateway (RdDiagnosis *self)
{
  RdCheckResult *gateway = rd_diagnosis_find_result (self, "gateway");
  JsonObject *evidence, *about, *http;
  const char *failure, *host;
  g_autofree char *where = NULL;

  if (!is_usable (gateway))
    return;

  evidence = rd_check_result_get_evidence (gateway);
  about = get_object (evidence, "gateway");
  http = get_object (evidence, "http");
  failure = get_string (evidence, "failure");
  host = get_string (about, "host");
  if (host == NULL)
    return;
  where = g_strdup_printf ("%s:%" G_GINT64_FORMAT, host, json_object_get_int_member_with_default (about, "port", 443));

  if (g_strcmp0 (failure, "dns") == 0)
    {
      g_autofree char *why = g_strdup_printf (_("The gateway’s name %s cannot be found by this computer’s name servers."), host);
      rd_diagnosis_suggest (self, "gateway-unreachable", 0.9, gateway, why);
    }
  else if (g_strcmp0 (failure, "tcp") == 0)
    {
      const char *state = get_string (evidence, "tcp_state");
      g_autofree char *why = NULL;

      if (g_strcmp0 (state, "refused") == 0)
        why = g_strdup_printf (_("The connection to the gateway %s was refused: nothing listens on that port."), where);
      else if (g_strcmp0 (state, "timeout") == 0)
        why = g_strdup_printf (_("Connection attempts to the gateway %s get no answer: something drops them."), where);
      else
        why = g_strdup_printf (_("The gateway %s cannot be reached: there is no route to it, or a firewall rejects the connection."), where);
      rd_diagnosis_suggest (self, "gateway-unreachable", g_strcmp0 (state, "unreachable") == 0 ? 0.8 : 0.9, gateway, why);
    }
  else if (g_strcmp0 (failure, "tls") == 0)
    {
      g_autofree char *why = g_strdup_printf (_("The gateway %s accepts connections, but the secure connection (TLS) to it failed: %s"),
                                              where, get_string (evidence, "handshake_error") != NULL
                                                       ? get_string (evidence, "handshake_error") : "?");
      rd_diagnosis_suggest (self, "gateway-misconfigured", 0.7, gateway, why);
    }
  else if (g_strcmp0 (failure, "http") == 0 && http != NULL)
    {
      g_autofree char *why = NULL;
      const char *server = get_string (http, "server");

      if (get_string (http, "error") != NULL)
        why = g_strdup_printf (_("The gateway %s did not answer the gateway’s first request: %s"), where, get_string (http, "error"));
      else if (json_object_get_boolean_member_with_default (http, "redirect", FALSE))
        why = g_strdup_printf (_("The gateway %s answered the gateway’s first request with a redirect to %s, where a gateway asks to sign in (HTTP 401)."),
                               where, get_string (http, "location") != NULL ? get_string (http, "location") : "?");
      else if (server != NULL)
        why = g_strdup_printf (_("The gateway %s answered the gateway’s first request with HTTP %lld from the server “%s”, where a gateway asks to sign in (HTTP 401)."),
                               where, (long long) json_object_get_int_member_with_default (http, "status", 0), server);
      else
        why = g_strdup_printf (_("The gateway %s answered the gateway’s first request with HTTP %lld, where a gateway asks to sign in (HTTP 401)."),
                               where, (long long) json_object_get_int_member_with_default (http, "status", 0));
      rd_diagnosis_suggest (self, "gateway-misconfigured", get_string (http, "error") != NULL ? 0.7 : 0.85, gateway, why);
    }

  diagnose_gateway_certificate (self, gateway, host);

  /* Through a working gateway, this computer does not need to reach the
   * remote computer itself: the gateway does. */
  if (json_object_get_boolean_member_with_default (evidence, "is_rd_gateway", FALSE))
    {
      static const char * const direct_only[] = { "dns-unresolved", "port-closed", "port-filtered" };

      for (guint i = 0; i < G_N_ELEMENTS (direct_only); i++)
        if (has_cause (self, direct_only[i]))
          {
            g_autofree char *why = g_strdup_printf (_("You connect through the Remote Desktop Gateway %s, which answers; it reaches the remote computer for you."), where);
            rd_diagnosis_rule_out (self, direct_only[i], why);
          }
    }
}

/* ---- VPNs and proxies ------------------------------------------------------ */

static gboolean
is_private_address (GInetAddress *address)
{
  const guint8 *bytes = g_inet_address_to_bytes (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    return (bytes[0] & 0xFE) == 0xFC;  /* unique local, RFC 4193 */
  return g_inet_address_get_is_site_local (address) ||
         (bytes[0] == 100 && (bytes[1] & 0xC0) == 64);  /* shared CGNAT space (Tailscale), RFC 6598 */
}

/* The names of the VPNs that are up: interfaces, and NetworkManager's connections */
static GPtrArray *
list_vpns (JsonObject *local,
           GHashTable *interfaces)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  JsonArray *vpn_interfaces = get_array (local, "vpn_interfaces");
  JsonArray *nm = get_array (get_object (local, "networkmanager"), "vpn_connections");

  for (guint i = 0; vpn_interfaces != NULL && i < json_array_get_length (vpn_interfaces); i++)
    {
      JsonObject *entry = json_array_get_object_element (vpn_interfaces, i);
      const char *name = get_string (entry, "name");

      if (name != NULL && json_object_get_boolean_member_with_default (entry, "up", FALSE))
        {
          g_ptr_array_add (names, g_strdup (name));
          g_hash_table_add (interfaces, g_strdup (name));
        }
    }
  for (guint i = 0; nm != NULL && i < json_array_get_length (nm); i++)
    {
      JsonObject *entry = json_array_get_object_element (nm, i);
      const char *id = get_string (entry, "id");

      if (id != NULL && json_object_get_boolean_member_with_default (entry, "activated", TRUE))
        g_ptr_array_add (names, g_strdup (id));
    }
  return names;
}

static GInetAddress *
first_address (RdCheckResult *dns)
{
  JsonArray *addresses = dns != NULL ? get_array (rd_check_result_get_evidence (dns), "addresses") : NULL;

  for (guint i = 0; addresses != NULL && i < json_array_get_length (addresses); i++)
    {
      const char *text = get_string (json_array_get_object_element (addresses, i), "address");
      GInetAddress *address = text != NULL ? g_inet_address_new_from_string (text) : NULL;

      if (address != NULL)
        return address;
    }
  return NULL;
}

static void
diagnose_vpn (RdDiagnosis   *self,
              RdCheckResult *local)
{
  JsonObject *evidence = rd_check_result_get_evidence (local);
  RdCheckResult *tcp = rd_diagnosis_find_result (self, "tcp");
  const char *state = tcp != NULL ? rd_evidence_get_string (tcp, "state") : NULL;
  g_autoptr(GHashTable) interfaces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) vpns = list_vpns (evidence, interfaces);
  g_autoptr(GPtrArray) routes = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *address_text = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *why = NULL;
  const RdRoute *route;

  /* a VPN that is up is no fault while the connection works */
  if (vpns->len == 0 || (g_strcmp0 (state, "timeout") != 0 && g_strcmp0 (state, "unreachable") != 0))
    return;

  address = first_address (rd_diagnosis_find_result (self, "dns"));
  if (address == NULL)
    return;
  address_text = g_inet_address_to_string (address);
  g_ptr_array_add (vpns, NULL);
  joined = g_strjoinv (", ", (char **) vpns->pdata);
  routes = rd_routes_from_json (get_array (evidence, "routes"));
  route = rd_routes_lookup (routes, address);

  if (route != NULL && g_hash_table_contains (interfaces, route->interface))
    {
      why = g_strdup_printf (_("The route to %s goes through the VPN interface %s, and the connection attempts get no answer: the VPN does not carry this connection, or the other end of the VPN blocks it."),
                             address_text, route->interface);
      rd_diagnosis_suggest (self, "vpn-interference", 0.55, tcp, why);
    }
  else if (is_private_address (address))
    {
      why = route != NULL
              ? g_strdup_printf (_("A VPN is connected (%s), but the route to the private address %s does not use it (it goes through %s): if that network is only reachable through the VPN, the VPN lacks a route to it, or the VPN blocks the local network."),
                                 joined, address_text, route->interface)
              : g_strdup_printf (_("A VPN is connected (%s), and this computer has no route to the private address %s."),
                                 joined, address_text);
      rd_diagnosis_suggest (self, "vpn-interference", 0.45, tcp, why);
    }
  else
    {
      why = g_strdup_printf (_("A VPN is connected (%s) while the connection attempts to %s get no answer; some VPNs block connections that do not go through them."),
                             joined, address_text);
      rd_diagnosis_suggest (self, "vpn-interference", 0.3, tcp, why);
    }
}

static void
diagnose_proxy (RdDiagnosis   *self,
                RdCheckResult *local)
{
  JsonObject *proxy = get_object (rd_check_result_get_evidence (local), "proxy");
  const char *freerdp_proxy = get_string (proxy, "freerdp_proxy");
  RdCheckResult *tcp = rd_diagnosis_find_result (self, "tcp");
  g_autofree char *why = NULL;
  gboolean direct_works;

  if (freerdp_proxy == NULL)
    return;

  /* the checks went straight to the server; FreeRDP would not */
  direct_works = g_strcmp0 (rd_evidence_get_string (tcp, "state"), "open") == 0;
  why = direct_works
          ? g_strdup_printf (_("This computer reaches the server directly, but FreeRDP would send the connection through the proxy %s (from the https_proxy environment variable), which may not let Remote Desktop through."),
                             freerdp_proxy)
          : g_strdup_printf (_("FreeRDP would send the connection through the proxy %s (from the https_proxy environment variable)."),
                             freerdp_proxy);
  rd_diagnosis_suggest (self, "vpn-interference", direct_works ? 0.5 : 0.3, local, why);
}

/* ---- remembered certificates ---------------------------------------------- */

static const char *
client_name (const char *key)
{
  if (g_strcmp0 (key, "freerdp") == 0)
    return "FreeRDP";
  if (g_strcmp0 (key, "remmina") == 0)
    return "Remmina";
  if (g_strcmp0 (key, "freerdp-flatpak") == 0)
    return "FreeRDP (Flatpak)";
  if (g_strcmp0 (key, "remmina-flatpak") == 0)
    return "Remmina (Flatpak)";
  if (g_strcmp0 (key, "gnome-connections-flatpak") == 0)
    return "GNOME Connections (Flatpak)";
  return key != NULL ? key : "?";
}

static char *
short_fingerprint (const char *hex)
{
  if (hex == NULL)
    return g_strdup ("?");
  return strlen (hex) > 16 ? g_strdup_printf ("%.16s…", hex) : g_strdup (hex);
}

static void
compare_cached (RdDiagnosis   *self,
                RdCheckResult *local,
                JsonObject    *cached,
                JsonObject    *live,
                const char    *shown_host)
{
  const char *algorithm = get_string (cached, "sha256") != NULL ? "sha256" : "sha1";
  const char *old_print = get_string (cached, algorithm);
  const char *new_print = get_string (live, algorithm);
  const char *command = get_string (cached, "forget_command");
  gboolean dated = json_object_has_member (cached, "not_after");
  gboolean expired = json_object_get_boolean_member_with_default (cached, "expired", FALSE);
  gint64 days_left = json_object_get_int_member_with_default (cached, "days_left", G_MAXINT);
  gboolean renewed = dated &&
                     (expired || (json_object_get_boolean_member_with_default (cached, "self_signed", FALSE) &&
                                  days_left < RENEWAL_WINDOW_DAYS));
  g_autofree char *old_short = short_fingerprint (old_print);
  g_autofree char *new_short = short_fingerprint (new_print);
  g_autofree char *why = NULL;

  if (old_print == NULL || new_print == NULL || g_ascii_strcasecmp (old_print, new_print) == 0)
    return;

  if (renewed)
    why = g_strdup_printf (_("%s remembers an older certificate for %s (%s, valid until %s); the server has renewed it since (%s). The client will say the certificate changed: forget the old one with: %s"),
                           client_name (get_string (cached, "client")), shown_host, old_short,
                           get_string (cached, "not_after"), new_short, command != NULL ? command : "?");
  else if (dated)
    why = g_strdup_printf (_("%s remembers a different certificate for %s (%s, still valid until %s) than the one the server shows now (%s): it changed unexpectedly — make sure this is really your server before you accept it. To forget the old one: %s"),
                           client_name (get_string (cached, "client")), shown_host, old_short,
                           get_string (cached, "not_after"), new_short, command != NULL ? command : "?");
  else
    why = g_strdup_printf (_("%s remembers a different certificate for %s (%s) than the one the server shows now (%s); its old entry has no dates, so whether it was due for renewal is unknown — make sure this is really your server before you accept it. To forget the old one: %s"),
                           client_name (get_string (cached, "client")), shown_host, old_short,
                           new_short, command != NULL ? command : "?");
  rd_diagnosis_suggest (self, "client-stale-cert", renewed ? 0.6 : 0.7, local, why);
}

static void
diagnose_cached_certificates (RdDiagnosis   *self,
                              RdCheckResult *local)
{
  JsonArray *cached = get_array (rd_check_result_get_evidence (local), "cached_certificates");
  JsonObject *target_live = rd_evidence_get_object (rd_diagnosis_find_result (self, "tls"), "certificate");
  RdCheckResult *gateway = rd_diagnosis_find_result (self, "gateway");
  JsonObject *gateway_live = rd_evidence_get_object (gateway, "certificate");

  for (guint i = 0; cached != NULL && i < json_array_get_length (cached); i++)
    {
      JsonObject *entry = json_array_get_object_element (cached, i);
      const char *role = get_string (entry, "for");
      g_autofree char *shown = g_strdup_printf ("%s:%" G_GINT64_FORMAT,
                                                get_string (entry, "host") != NULL ? get_string (entry, "host") : "?",
                                                json_object_get_int_member_with_default (entry, "port", 0));

      if (!json_object_get_boolean_member_with_default (entry, "readable", FALSE))
        continue;
      if (g_strcmp0 (role, "target") == 0 && target_live != NULL)
        compare_cached (self, local, entry, target_live, shown);
      else if (g_strcmp0 (role, "gateway") == 0 && gateway_live != NULL)
        compare_cached (self, local, entry, gateway_live, shown);
    }
}

/* ---- the client and the clock ------------------------------------------------ */

static void
diagnose_clients (RdDiagnosis   *self,
                  RdCheckResult *local)
{
  JsonArray *clients = get_array (rd_check_result_get_evidence (local), "clients");

  for (guint i = 0; clients != NULL && i < json_array_get_length (clients); i++)
    {
      JsonObject *entry = json_array_get_object_element (clients, i);

      if (!json_object_get_boolean_member_with_default (entry, "starts", TRUE))
        {
          g_autofree char *why = g_strdup_printf (_("%s cannot even print its version: “%s”. The installation is damaged (a missing library) or the program crashes."),
                                                  get_string (entry, "path") != NULL ? get_string (entry, "path") : "?",
                                                  get_string (entry, "version_text") != NULL ? get_string (entry, "version_text") : "");
          rd_diagnosis_suggest (self, "client-broken", 0.5, local, why);
        }
    }
}

static void
diagnose_clock (RdDiagnosis   *self,
                RdCheckResult *local)
{
  JsonObject *time_sync = get_object (rd_check_result_get_evidence (local), "time_sync");
  RdCheckResult *credssp = rd_diagnosis_find_result (self, "credssp");
  JsonObject *tls_certificate = rd_evidence_get_object (rd_diagnosis_find_result (self, "tls"), "certificate");
  JsonObject *gateway_certificate = rd_evidence_get_object (rd_diagnosis_find_result (self, "gateway"), "certificate");
  JsonNode *skew;

  if (rd_evidence_get_tristate (time_sync, "synchronized") != 0)
    return;

  skew = credssp != NULL ? json_object_get_member (rd_check_result_get_evidence (credssp), "clock_skew_s") : NULL;
  if (skew != NULL && JSON_NODE_HOLDS_VALUE (skew) && ABS (json_node_get_double (skew)) > 300.0)
    rd_diagnosis_suggest (self, "clock-skew", 0.75, local,
                          _("This computer’s clock is not synchronised with a time server, so it may be this clock that is wrong."));
  else if ((tls_certificate != NULL && json_object_get_boolean_member_with_default (tls_certificate, "not_yet_valid", FALSE)) ||
           (gateway_certificate != NULL && json_object_get_boolean_member_with_default (gateway_certificate, "not_yet_valid", FALSE)))
    rd_diagnosis_suggest (self, "clock-skew", 0.5, local,
                          _("A certificate is not valid yet by this computer’s clock, and this clock is not synchronised with a time server."));
}

/**
 * rd_diagnosis_rule_paths:
 *
 * The rules for the gateway and local checks. Without a gateway, a VPN or a
 * remembered certificate they suggest nothing.
 */
void
rd_diagnosis_rule_paths (RdDiagnosis *self)
{
  RdCheckResult *local = rd_diagnosis_find_result (self, "local");

  diagnose_gateway (self);
  if (!is_usable (local))
    return;
  diagnose_vpn (self, local);
  diagnose_proxy (self, local);
  diagnose_cached_certificates (self, local);
  diagnose_clients (self, local);
  diagnose_clock (self, local);
}
