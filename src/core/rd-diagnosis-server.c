/* rd-diagnosis-server.c: what the host's own evidence confirms or rules out
 *
 * The server evidence (rd-server-evidence.c, check id "server") is what the
 * host's administrator collected with the read-only script: settings, service
 * states, firewall rules, the certificate key's access list, event counts,
 * sessions. It sees what no probe from outside can, so it confirms causes
 * with high confidence, and rules out the causes it contradicts. Each rule
 * below says which reading of a cause the evidence settles, and which it
 * cannot: a server that is healthy inside can still be unreachable because of
 * the network in between.
 *
 * Like every rule, these are pure: they read the evidence and the user's
 * report, never the clock or the network. Times are compared with times in
 * the same document.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-diagnosis-server"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "rd-diagnosis-private.h"
#include "rd-server-evidence.h"
#include "rd-target.h"
#include "rd-x224.h"

/* MaxOutstandingConnections below this is "low". The setting is only
 * documented by the community (rdp-facts.md §1.10), which raises it to 10000
 * against scanners; Windows' default is not documented, so an absent value is
 * never flagged. A queue under 100 half-open connections is filled by a single
 * scanner or a handful of hung clients. At 1000 and more it is not the
 * bottleneck, which rules the cause out. */
#define LOW_OUTSTANDING_CONNECTIONS    100
#define RAISED_OUTSTANDING_CONNECTIONS 1000

/* MaxInstanceCount's "no limit" is 0xFFFFFFFF in RDP-Tcp and 999999 in
 * the Group Policy setting "Limit number of connections" */
#define POLICY_UNLIMITED_INSTANCES 999999

typedef struct
{
  RdDiagnosis   *diagnosis;
  RdCheckResult *server;
  JsonObject    *doc;
  const char    *computer;
} Evidence;

/* The normalised document has every field with its type, or null; a report
 * read back from disk may not, so every access checks the type again. */
static JsonNode *
member (JsonObject *object,
        const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = member (object, name);
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = member (object, name);
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static const char *
get_string_or (JsonObject *object,
               const char *name,
               const char *fallback)
{
  const char *value = get_string (object, name);
  return value != NULL ? value : fallback;
}

static gboolean
get_int (JsonObject *object,
         const char *name,
         gint64     *value)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

/* 1 true, 0 false, -1 not known */
static int
get_bool (JsonObject *object,
          const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return -1;
  return json_node_get_boolean (node) ? 1 : 0;
}

static JsonObject *
array_object (JsonArray *array,
              guint      index)
{
  JsonNode *node = json_array_get_element (array, index);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
array_has_string (JsonArray  *array,
                  const char *wanted)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          g_ascii_strcasecmp (json_node_get_string (node), wanted) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A Remote Desktop setting as it is in force: Group Policy's copy under
 * HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services wins over the
 * local value (rdp-facts.md §1.10). */
static gboolean
get_setting (Evidence   *evidence,
             const char *section,
             const char *name,
             gint64     *value,
             gboolean   *by_policy)
{
  if (get_int (get_object (evidence->doc, "policy"), name, value))
    {
      *by_policy = TRUE;
      return TRUE;
    }
  *by_policy = FALSE;
  return get_int (get_object (evidence->doc, section), name, value);
}

/* The number g_dngettext() picks the plural form with */
static gulong
plural_count (gint64 n)
{
  return n < 0 ? 0 : n > 1000000 ? 1000000 : (gulong) n;
}

static gboolean
has_cause (RdDiagnosis *self,
           const char  *cause_id)
{
  GPtrArray *causes = rd_diagnosis_get_causes (self);

  for (guint i = 0; i < causes->len; i++)
    if (g_str_equal (rd_cause_get_id (g_ptr_array_index (causes, i)), cause_id))
      return TRUE;
  return FALSE;
}

static void
suggest (Evidence   *evidence,
         const char *cause_id,
         double      confidence,
         const char *reason)
{
  rd_diagnosis_suggest (evidence->diagnosis, cause_id, confidence, evidence->server, reason);
}

/* Only causes that were suggested are ruled out: the report's "ruled out"
 * list says what the evidence corrected, not everything it did not see. */
static void
rule_out (Evidence   *evidence,
          const char *cause_id,
          const char *reason)
{
  if (has_cause (evidence->diagnosis, cause_id))
    rd_diagnosis_rule_out (evidence->diagnosis, cause_id, reason);
}

/* "Nothing accepts connections": Remote Desktop off, its service stopped or
 * its listener disabled. From outside that looks refused (port-closed), or
 * like a service that does not answer (service-unresponsive), or filtered
 * when turning Remote Desktop off also turned its firewall rules off. The
 * server's word settles it, and port-closed's fix (turn it on, start the
 * service) is the one that works in every case. */
static void
confirm_nothing_listens (Evidence   *evidence,
                         const char *reason)
{
  gboolean confirmed = FALSE;

  if (has_cause (evidence->diagnosis, "service-unresponsive"))
    {
      suggest (evidence, "service-unresponsive", 0.95, reason);
      confirmed = TRUE;
    }
  if (has_cause (evidence->diagnosis, "port-closed") || !confirmed)
    suggest (evidence, "port-closed", 0.95, reason);
}

static gboolean
listener_present (Evidence *evidence,
                  gboolean *known)
{
  JsonArray *sessions = get_array (evidence->doc, "sessions");
  JsonArray *listening = get_array (evidence->doc, "listening");

  *known = sessions != NULL || listening != NULL;
  if (listening != NULL && json_array_get_length (listening) > 0)
    return TRUE;
  for (guint i = 0; sessions != NULL && i < json_array_get_length (sessions); i++)
    {
      JsonObject *session = array_object (sessions, i);

      if (g_strcmp0 (get_string (session, "state"), "listen") == 0 &&
          g_ascii_strncasecmp (get_string_or (session, "session_name", ""), "rdp-tcp", 7) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The port Remote Desktop listens on: RDP-Tcp's PortNumber, 3389 when unset */
static gint64
listening_port (Evidence *evidence)
{
  gint64 port;

  if (get_int (get_object (evidence->doc, "rdp_tcp"), "PortNumber", &port) && port > 0 && port <= G_MAXUINT16)
    return port;
  return RD_DEFAULT_RDP_PORT;
}

static void
rule_service (Evidence *evidence)
{
  JsonObject *services = get_object (evidence->doc, "services");
  JsonObject *term_service = get_object (services, "TermService");
  JsonObject *helper = get_object (services, "UmRdpService");
  const char *status = get_string (term_service, "status");
  const char *start_type = get_string (term_service, "start_type");
  const char *helper_status = get_string (helper, "status");
  RdCheckResult *tcp = rd_diagnosis_find_result (evidence->diagnosis, "tcp");
  const char *tcp_state = tcp != NULL ? get_string (rd_check_result_get_evidence (tcp), "state") : NULL;
  guint16 target_port = rd_target_get_port (rd_diagnosis_get_target (evidence->diagnosis));
  gint64 deny = -1, enabled = -1, port = listening_port (evidence);
  gboolean by_policy = FALSE, listener_known, listener;
  gboolean healthy = TRUE;

  listener = listener_present (evidence, &listener_known);

  if (get_setting (evidence, "terminal_server", "fDenyTSConnections", &deny, &by_policy) && deny != 0)
    {
      g_autofree char *why = by_policy
        ? g_strdup_printf (_("Remote Desktop is turned off on %s by Group Policy (fDenyTSConnections = 1 in the policy): turning it on locally does not last, the policy must change."),
                           evidence->computer)
        : g_strdup_printf (_("Remote Desktop is turned off on %s (fDenyTSConnections = 1)."), evidence->computer);
      confirm_nothing_listens (evidence, why);
      healthy = FALSE;
    }

  if (status != NULL && g_str_equal (status, "stopped"))
    {
      g_autofree char *why = g_strdup_printf (_("The Remote Desktop Services service (TermService) on %s is stopped; its start type is “%s”."),
                                              evidence->computer, start_type != NULL ? start_type : "?");
      confirm_nothing_listens (evidence, why);
      healthy = FALSE;
    }
  else if (status != NULL && !g_str_equal (status, "running"))
    {
      /* start-pending, stop-pending, paused: a service caught half-way hangs */
      g_autofree char *why = g_strdup_printf (_("The Remote Desktop Services service (TermService) on %s is “%s”: neither running nor stopped, it hangs."),
                                              evidence->computer, status);
      suggest (evidence, "service-unresponsive", 0.9, why);
      healthy = FALSE;
    }
  else if (status != NULL && helper_status != NULL && !g_str_equal (helper_status, "running"))
    {
      /* rdp-facts.md §1.10: TermService and UmRdpService must both run */
      g_autofree char *why = g_strdup_printf (_("The Remote Desktop Services UserMode Port Redirector (UmRdpService) on %s is “%s”, not running."),
                                              evidence->computer, helper_status);
      suggest (evidence, "service-unresponsive", 0.5, why);
    }

  if (get_int (get_object (evidence->doc, "rdp_tcp"), "fEnableWinStation", &enabled) && enabled == 0)
    {
      g_autofree char *why = g_strdup_printf (_("The Remote Desktop listener (RDP-Tcp) on %s is disabled (fEnableWinStation = 0)."),
                                              evidence->computer);
      confirm_nothing_listens (evidence, why);
      healthy = FALSE;
    }

  /* A wrong port is port-closed's other reading; a running service does not
   * rule it out. A router may forward another port to the server's (NAT),
   * so a port that opens from here is no fault, and one that is dropped may
   * be the forwarding's. */
  if (port != target_port && g_strcmp0 (tcp_state, "open") != 0)
    {
      g_autofree char *why = NULL;

      if (g_strcmp0 (tcp_state, "refused") == 0)
        why = g_strdup_printf (_("%s listens for Remote Desktop on port %lld, not on port %u that you connect to."),
                               evidence->computer, (long long) port, target_port);
      else
        why = g_strdup_printf (_("%s listens for Remote Desktop on port %lld, not on port %u that you connect to (unless a router forwards that port to it)."),
                               evidence->computer, (long long) port, target_port);
      suggest (evidence, "port-closed", g_strcmp0 (tcp_state, "refused") == 0 ? 0.95 : 0.85, why);
      healthy = FALSE;
    }

  /* Everything port-closed can mean is contradicted only when Remote Desktop
   * is on, the service runs, the listener is there, and on this port. A
   * refusal seen from here then comes from something on the way. */
  if (healthy && deny == 0 && status != NULL && listener_known && listener)
    {
      g_autofree char *why = g_strdup_printf (_("On %s Remote Desktop is on, its service runs and listens on port %lld."),
                                              evidence->computer, (long long) port);

      if (g_strcmp0 (tcp_state, "refused") == 0)
        suggest (evidence, "port-filtered", 0.7,
                 _("The server listens on the port, yet the connection was refused: something on the way answers in its place, such as a router that does not forward the port or a network firewall that rejects."));
      rule_out (evidence, "port-closed", why);
    }
}

typedef struct
{
  gboolean any_rule;         /* a Remote Desktop rule exists */
  gboolean any_enabled;      /* … and one is turned on */
  gboolean other_port_only;  /* the enabled allow rules are for another port */
  gboolean domain, private, public;  /* an enabled allow rule covers this firewall profile */
} RuleCoverage;

static gboolean
rule_allows_port (JsonObject *rule,
                  gint64      port)
{
  JsonArray *ports = get_array (rule, "local_ports");
  const char *protocol = get_string (rule, "protocol");
  g_autofree char *port_text = g_strdup_printf ("%lld", (long long) port);

  /* the UDP rule does not let the TCP connection in */
  if (protocol != NULL && !g_str_equal (protocol, "tcp") && !g_str_equal (protocol, "6") &&
      !g_str_equal (protocol, "any"))
    return FALSE;
  return ports == NULL || array_has_string (ports, "any") || array_has_string (ports, port_text);
}

static RuleCoverage
cover_profiles (JsonArray *rules,
                gint64     port)
{
  RuleCoverage coverage = { FALSE, };
  gboolean allowed_elsewhere = FALSE, allowed_here = FALSE;

  for (guint i = 0; i < json_array_get_length (rules); i++)
    {
      JsonObject *rule = array_object (rules, i);
      JsonArray *profiles = get_array (rule, "profiles");
      gboolean any;

      if (rule == NULL)
        continue;
      coverage.any_rule = TRUE;
      if (get_bool (rule, "enabled") != 1 ||
          g_strcmp0 (get_string (rule, "direction"), "inbound") != 0 ||
          g_strcmp0 (get_string (rule, "action"), "allow") != 0)
        continue;
      coverage.any_enabled = TRUE;
      if (!rule_allows_port (rule, port))
        {
          allowed_elsewhere = TRUE;
          continue;
        }
      allowed_here = TRUE;
      any = profiles == NULL || array_has_string (profiles, "any");
      coverage.domain |= any || array_has_string (profiles, "domain");
      coverage.private |= any || array_has_string (profiles, "private");
      coverage.public |= any || array_has_string (profiles, "public");
    }
  coverage.other_port_only = allowed_elsewhere && !allowed_here;
  return coverage;
}

/* Whether Windows Firewall filters on @profile at all: a turned-off profile,
 * or one that allows inbound by default, lets Remote Desktop in without rules. */
static gboolean
firewall_filters (Evidence   *evidence,
                  const char *profile)
{
  JsonArray *profiles = get_array (evidence->doc, "firewall_profiles");

  for (guint i = 0; profiles != NULL && i < json_array_get_length (profiles); i++)
    {
      JsonObject *entry = array_object (profiles, i);

      if (g_strcmp0 (get_string (entry, "name"), profile) == 0)
        return get_bool (entry, "enabled") != 0 &&
               g_strcmp0 (get_string (entry, "default_inbound_action"), "allow") != 0;
    }
  return TRUE;
}

static void
rule_firewall (Evidence *evidence)
{
  JsonArray *rules = get_array (evidence->doc, "firewall_rules");
  JsonArray *networks = get_array (evidence->doc, "network_profiles");
  gint64 port = listening_port (evidence);
  RuleCoverage coverage;
  g_autoptr(GString) public_names = g_string_new (NULL);
  g_autoptr(GString) allowed = g_string_new (NULL);
  gboolean blocked_elsewhere = FALSE, all_covered = TRUE, filters = FALSE;

  if (rules == NULL)
    return;
  coverage = cover_profiles (rules, port);

  if (coverage.domain)
    g_string_append (allowed, "Domain");
  if (coverage.private)
    g_string_append_printf (allowed, "%sPrivate", allowed->len > 0 ? ", " : "");
  if (coverage.public)
    g_string_append_printf (allowed, "%sPublic", allowed->len > 0 ? ", " : "");

  /* Which networks the computer is on, and whether a rule lets RDP in on each */
  for (guint i = 0; networks != NULL && i < json_array_get_length (networks); i++)
    {
      JsonObject *network = array_object (networks, i);
      const char *category = get_string (network, "category");
      const char *profile = g_strcmp0 (category, "domainauthenticated") == 0 ? "domain" : category;
      gboolean covered;

      if (profile == NULL)
        continue;
      if (!firewall_filters (evidence, profile))
        continue;
      filters = TRUE;
      covered = (g_str_equal (profile, "domain") && coverage.domain) ||
                (g_str_equal (profile, "private") && coverage.private) ||
                (g_str_equal (profile, "public") && coverage.public);
      if (covered)
        continue;
      all_covered = FALSE;
      if (g_str_equal (profile, "public"))
        g_string_append_printf (public_names, "%s“%s”", public_names->len > 0 ? ", " : "",
                                get_string_or (network, "name", get_string_or (network, "interface", "?")));
      else
        blocked_elsewhere = TRUE;
    }
  /* without the network list, assume the firewall filters */
  if (networks == NULL)
    {
      filters = TRUE;
      all_covered = FALSE;
    }

  if (filters && !coverage.any_enabled)
    {
      g_autofree char *why = coverage.any_rule
        ? g_strdup_printf (_("The Remote Desktop rules of Windows Firewall on %s are turned off."), evidence->computer)
        : g_strdup_printf (_("Windows Firewall on %s has no Remote Desktop rules."), evidence->computer);
      suggest (evidence, "port-filtered", coverage.any_rule ? 0.9 : 0.8, why);
    }
  else if (filters && coverage.other_port_only)
    {
      g_autofree char *why = g_strdup_printf (_("The Remote Desktop rules of Windows Firewall on %s allow another port, not port %lld that Remote Desktop listens on."),
                                              evidence->computer, (long long) port);
      suggest (evidence, "port-filtered", 0.85, why);
    }
  else if (public_names->len > 0)
    {
      /* the rules are on, but only for Domain/Private, and a network is Public */
      g_autofree char *why = g_strdup_printf (_("The network %s of %s is set to Public, and the Remote Desktop firewall rules only allow the %s profiles."),
                                              public_names->str, evidence->computer,
                                              allowed->len > 0 ? allowed->str : "—");
      suggest (evidence, "network-profile-public", 0.9, why);
    }
  else if (blocked_elsewhere)
    {
      g_autofree char *why = g_strdup_printf (_("The Remote Desktop firewall rules on %s only allow the %s profiles, not the profile of every network it is on."),
                                              evidence->computer, allowed->len > 0 ? allowed->str : "—");
      suggest (evidence, "port-filtered", 0.85, why);
    }
  else if (all_covered)
    {
      /* Windows Firewall lets Remote Desktop in on every network the computer
       * is on: a Public profile blocks nothing, and a filtered port is
       * filtered on the way, which port-filtered's other readings cover. */
      g_autofree char *why = g_strdup_printf (_("Windows Firewall on %s allows Remote Desktop on every network it is on."),
                                              evidence->computer);

      rule_out (evidence, "network-profile-public", why);
      if (has_cause (evidence->diagnosis, "port-filtered"))
        suggest (evidence, "port-filtered", 0.0,
                 _("The server’s own firewall lets Remote Desktop in, so the block is on the way: a network firewall, a cloud security group, or a router."));
    }
}

static void
rule_certificate (Evidence *evidence)
{
  JsonObject *certificate = get_object (evidence->doc, "certificate");
  JsonObject *schannel = get_object (get_object (evidence->doc, "events"), "schannel_36870");
  const char *thumbprint = get_string (certificate, "thumbprint");
  const char *not_after = get_string (certificate, "not_after");
  const char *collected = get_string (evidence->doc, "collected_at");
  const char *source = get_string (certificate, "key_source");
  int can_read = get_bool (certificate, "network_service_can_read");
  gint64 n_errors = -1, days = 7;

  get_int (get_object (evidence->doc, "events"), "days", &days);
  get_int (schannel, "count", &n_errors);

  if (can_read == 0)
    {
      g_autofree char *why = g_strdup_printf (_("On %s, NETWORK SERVICE (the account Remote Desktop Services runs as) may not read the private key of the certificate %s (%s)."),
                                              evidence->computer, thumbprint != NULL ? thumbprint : "?",
                                              get_string_or (certificate, "key_file", "?"));
      /* Windows' own key container is a guess at the key file; the
       * certificate's own key is not */
      suggest (evidence, "cert-key-inaccessible", g_strcmp0 (source, "tssec-keyset1") == 0 ? 0.8 : 0.95, why);
    }
  if (n_errors > 0)
    {
      g_autofree char *why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                           "Schannel logged event 36870 (the TLS key cannot be used) %lld time on %s in the last %lld days, last at %s.",
                                                           "Schannel logged event 36870 (the TLS key cannot be used) %lld times on %s in the last %lld days, last at %s.",
                                                           plural_count (n_errors)),
                                              (long long) n_errors, evidence->computer, (long long) days,
                                              get_string_or (schannel, "newest", "?"));
      suggest (evidence, "cert-key-inaccessible", 0.95, why);
    }
  if (thumbprint != NULL && *thumbprint != '\0' && get_bool (certificate, "found") == 0)
    {
      g_autofree char *why = g_strdup_printf (_("Remote Desktop on %s is set to use the certificate %s, which is in none of the computer’s certificate stores."),
                                              evidence->computer, thumbprint);
      suggest (evidence, "cert-key-inaccessible", 0.85, why);
    }
  if (get_bool (certificate, "has_private_key") == 0)
    {
      g_autofree char *why = g_strdup_printf (_("The certificate Remote Desktop uses on %s has no private key."), evidence->computer);
      suggest (evidence, "cert-key-inaccessible", 0.9, why);
    }

  /* Both times are UTC in the same normal form, so text order is time order;
   * the comparison uses the evidence's own time, not this computer's clock. */
  if (not_after != NULL && collected != NULL && strcmp (not_after, collected) < 0)
    {
      g_autofree char *why = g_strdup_printf (_("The certificate Remote Desktop uses on %s expired on %s."), evidence->computer, not_after);
      suggest (evidence, "cert-expired", 0.9, why);
    }

  /* The key is readable and Schannel never complained: the key is not the
   * reason the TLS handshake fails. */
  if (can_read == 1 && n_errors == 0 && get_bool (certificate, "found") == 1)
    {
      g_autofree char *why = g_strdup_printf (_("On %s, NETWORK SERVICE may read the certificate’s key, and Schannel logged no key error (36870) in the last %lld days."),
                                              evidence->computer, (long long) days);
      rule_out (evidence, "cert-key-inaccessible", why);
    }
}

static void
rule_security (Evidence *evidence)
{
  const RdUserReport *report = rd_diagnosis_get_report (evidence->diagnosis);
  gboolean client_known = report->client_protocols_known;
  gboolean client_rdp_only = client_known && report->client_protocols == RD_PROTOCOL_RDP;
  gboolean client_nla = client_known && (report->client_protocols & (RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX)) != 0;
  gint64 layer, nla;
  gboolean by_policy;

  if (get_setting (evidence, "rdp_tcp", "SecurityLayer", &layer, &by_policy))
    {
      if (layer == 0 && !client_rdp_only)
        {
          g_autofree char *why = g_strdup_printf (_("Remote Desktop on %s is set to the RDP Security Layer only (SecurityLayer = 0%s)."),
                                                  evidence->computer, by_policy ? _(", by Group Policy") : "");
          suggest (evidence, "rdp-security-only", 0.95, why);
        }
      else if (layer == 1 || layer == 2)
        {
          g_autofree char *why = g_strdup_printf (_("Remote Desktop on %s is set to SecurityLayer = %lld (1 Negotiate, 2 TLS): it does not insist on the old layer."),
                                                  evidence->computer, (long long) layer);

          rule_out (evidence, "rdp-security-only", why);
          if (layer == 2 && client_rdp_only)
            suggest (evidence, "tls-required", 0.95, why);
        }
    }

  if (get_setting (evidence, "rdp_tcp", "UserAuthentication", &nla, &by_policy))
    {
      if (nla == 1 && client_known && !client_nla)
        {
          g_autofree char *why = g_strdup_printf (_("%s requires Network Level Authentication (UserAuthentication = 1%s), and your client is set to connect without it."),
                                                  evidence->computer, by_policy ? _(", by Group Policy") : "");
          suggest (evidence, "nla-required", 0.95, why);
        }
      else if (nla == 0)
        {
          g_autofree char *why = g_strdup_printf (_("%s does not require Network Level Authentication (UserAuthentication = 0)."),
                                                  evidence->computer);
          rule_out (evidence, "nla-required", why);
        }
    }
}

static gboolean
is_user_session (JsonObject *session)
{
  const char *user = get_string (session, "user");
  const char *state = get_string (session, "state");

  return user != NULL && *user != '\0' && state != NULL &&
         !g_str_equal (state, "listen") && !g_str_equal (state, "down") && !g_str_equal (state, "init");
}

/* Whether @server runs as a Remote Desktop Session Host (TerminalServerMode 1) */
static int
session_host_mode (Evidence *evidence)
{
  gint64 mode;

  if (!get_int (get_object (evidence->doc, "licensing"), "terminal_server_mode", &mode))
    return -1;
  return mode == 1 ? 1 : 0;
}

/* The user is not known here, so any disconnected session with a user is a
 * candidate for "your earlier session is stuck"; the fix lists the sessions
 * and signs out the user's own. */
static void
rule_sessions (Evidence *evidence)
{
  JsonArray *sessions = get_array (evidence->doc, "sessions");
  g_autoptr(GString) disconnected = g_string_new (NULL);
  guint n_disconnected = 0, n_users = 0, n_remote = 0;
  gboolean all_known = TRUE;
  gint64 limit, product_type = 0;
  gboolean by_policy;

  if (sessions == NULL)
    return;

  for (guint i = 0; i < json_array_get_length (sessions); i++)
    {
      JsonObject *session = array_object (sessions, i);
      const char *state = get_string (session, "state");
      gint64 id = -1;

      if (g_strcmp0 (state, "unknown") == 0 || state == NULL)
        all_known = FALSE;
      if (!is_user_session (session))
        continue;
      n_users++;
      if (g_ascii_strcasecmp (get_string_or (session, "session_name", ""), "console") != 0)
        n_remote++;
      if (g_str_equal (state, "disconnected"))
        {
          get_int (session, "id", &id);
          n_disconnected++;
          /* Translators: a user name and its session ID in a list */
          g_string_append_printf (disconnected, _("%s%s (ID %lld)"),
                                  disconnected->len > 0 ? ", " : "", get_string (session, "user"), (long long) id);
        }
    }

  if (n_disconnected > 0)
    {
      g_autofree char *why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                           "%s has %u disconnected session: %s. If it is yours, it may be stuck.",
                                                           "%s has %u disconnected sessions: %s. If one is yours, it may be stuck.",
                                                           n_disconnected),
                                              evidence->computer, n_disconnected, disconnected->str);
      suggest (evidence, "session-stuck", 0.6, why);
    }
  else if (n_users == 0 && all_known)
    {
      g_autofree char *why = g_strdup_printf (_("No user has a session on %s, so no session can be stuck."), evidence->computer);
      rule_out (evidence, "session-stuck", why);
    }

  /* The session limit of the listener (MaxInstanceCount, policy first) */
  if (get_setting (evidence, "rdp_tcp", "MaxInstanceCount", &limit, &by_policy) &&
      limit > 0 && limit < POLICY_UNLIMITED_INSTANCES && n_remote >= limit)
    {
      g_autofree char *why = g_strdup_printf (_("%s allows %lld Remote Desktop sessions (MaxInstanceCount), and %u are in use."),
                                              evidence->computer, (long long) limit, n_remote);
      suggest (evidence, "licensing-cap", 0.85, why);
    }
  /* Remote Desktop for Administration on a server: two sessions at a time */
  else if (session_host_mode (evidence) == 0 &&
           get_int (get_object (evidence->doc, "os"), "product_type", &product_type) && product_type != 1 &&
           n_remote >= 2)
    {
      g_autofree char *why = g_strdup_printf (_("%s is not a Remote Desktop Session Host, so it allows two administrative sessions, and %u are in use."),
                                              evidence->computer, n_remote);
      suggest (evidence, "licensing-cap", 0.75, why);
    }
  else if (session_host_mode (evidence) == 0 && n_remote < 2 && all_known)
    {
      g_autofree char *why = g_strdup_printf (_("%s needs no Remote Desktop licences (it is not a Session Host), and it has free sessions."),
                                              evidence->computer);
      rule_out (evidence, "licensing-cap", why);
    }
}

/* A Session Host needs a licensing mode (per device 2, per user 4) and a
 * licence server; without them it refuses connections once the grace period
 * is over. Licence counts are not visible here, so a configured host rules
 * nothing out. */
static void
rule_licensing (Evidence *evidence)
{
  JsonObject *licensing = get_object (evidence->doc, "licensing");
  JsonArray *servers = get_array (licensing, "license_servers");
  gint64 type = -1, policy_type;

  if (session_host_mode (evidence) != 1)
    return;

  if (get_int (licensing, "policy_licensing_mode", &policy_type))
    type = policy_type;
  else
    get_int (licensing, "licensing_type", &type);

  if (type != 2 && type != 4)
    {
      g_autofree char *why = g_strdup_printf (_("%s is a Remote Desktop Session Host without a licensing mode (per device or per user)."),
                                              evidence->computer);
      suggest (evidence, "licensing-cap", 0.85, why);
    }
  if (servers != NULL && json_array_get_length (servers) == 0)
    {
      g_autofree char *why = g_strdup_printf (_("%s is a Remote Desktop Session Host with no licence server configured."),
                                              evidence->computer);
      suggest (evidence, "licensing-cap", 0.85, why);
    }
}

static void
rule_profiles (Evidence *evidence)
{
  JsonObject *events = get_object (evidence->doc, "events");
  JsonObject *profile_errors = get_object (events, "user_profile_errors");
  gint64 count, days = 7;

  if (!get_int (profile_errors, "count", &count))
    return;
  get_int (events, "days", &days);

  if (count > 0)
    {
      g_autofree char *why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                           "The User Profile Service on %s logged %lld error loading a profile in the last %lld days, last at %s.",
                                                           "The User Profile Service on %s logged %lld errors loading a profile in the last %lld days, last at %s.",
                                                           plural_count (count)),
                                              evidence->computer, (long long) count, (long long) days,
                                              get_string_or (profile_errors, "newest", "?"));
      suggest (evidence, "profile-corrupt", 0.85, why);
    }
  else
    {
      /* a profile that cannot load logs 1511/1515/1502/1508 each time */
      g_autofree char *why = g_strdup_printf (_("The User Profile Service on %s logged no profile errors (1511, 1515, 1502, 1508) in the last %lld days."),
                                              evidence->computer, (long long) days);
      rule_out (evidence, "profile-corrupt", why);
    }
}

static void
rule_outstanding_connections (Evidence *evidence)
{
  gint64 limit;

  if (!get_int (get_object (evidence->doc, "terminal_server"), "MaxOutstandingConnections", &limit))
    return;

  if (limit < LOW_OUTSTANDING_CONNECTIONS)
    {
      g_autofree char *why = g_strdup_printf (_("%s allows only %lld half-open Remote Desktop connections (MaxOutstandingConnections): one scanner or a few hung clients fill them."),
                                              evidence->computer, (long long) limit);
      suggest (evidence, "max-outstanding-connections", 0.7, why);
    }
  else if (limit >= RAISED_OUTSTANDING_CONNECTIONS)
    {
      g_autofree char *why = g_strdup_printf (_("%s allows %lld half-open Remote Desktop connections (MaxOutstandingConnections)."),
                                              evidence->computer, (long long) limit);
      rule_out (evidence, "max-outstanding-connections", why);
    }
}

/* AllowEncryptionOracle (rdp-facts.md §1.5): 0 Force Updated Clients, 1
 * Mitigated, 2 Vulnerable. At 0 the server refuses clients without the 2018
 * CredSSP fix, and a server speaking a CredSSP version from before the fix
 * with that setting is half updated. */
static void
rule_credssp (Evidence *evidence)
{
  RdCheckResult *credssp = rd_diagnosis_find_result (evidence->diagnosis, "credssp");
  JsonObject *checked = credssp != NULL ? rd_check_result_get_evidence (credssp) : NULL;
  int predates = get_bool (checked, "predates_oracle_fix");
  gint64 oracle, version = 0;

  if (!get_int (get_object (evidence->doc, "credssp"), "AllowEncryptionOracle", &oracle))
    return;
  get_int (checked, "credssp_version", &version);

  if (oracle == 0 && predates == 1)
    {
      g_autofree char *why = g_strdup_printf (_("%s forces updated clients (AllowEncryptionOracle = 0), yet speaks CredSSP version %lld, from before the 2018 fix: one side is only half updated."),
                                              evidence->computer, (long long) version);
      suggest (evidence, "credssp-oracle", 0.9, why);
    }
  else if (oracle == 0 && credssp != NULL && rd_check_result_get_status (credssp) == RD_CHECK_STATUS_FAIL)
    {
      g_autofree char *why = g_strdup_printf (_("%s forces updated clients (AllowEncryptionOracle = 0): a client without the 2018 CredSSP update is refused at the NLA sign-in."),
                                              evidence->computer);
      suggest (evidence, "credssp-oracle", 0.8, why);
    }
  else if ((oracle == 1 || oracle == 2) && credssp != NULL &&
           rd_check_result_get_status (credssp) == RD_CHECK_STATUS_PASS && predates == 0)
    {
      /* the server accepts every client and speaks a fixed version: neither
       * side of the oracle matrix refuses */
      g_autofree char *why = g_strdup_printf (_("%s accepts clients with and without the 2018 CredSSP update (AllowEncryptionOracle = %lld), and its CredSSP answered normally."),
                                              evidence->computer, (long long) oracle);
      rule_out (evidence, "credssp-oracle", why);
    }
}

/* The evidence must be about the computer that answered. The NTLM names the
 * probe saw are the computer's own (NetBIOS name = COMPUTERNAME); when they
 * differ, either the script ran elsewhere or the name leads to another
 * computer, and none of the server's settings apply to what was probed. */
static gboolean
same_computer (Evidence *evidence)
{
  RdCheckResult *credssp = rd_diagnosis_find_result (evidence->diagnosis, "credssp");
  JsonObject *ntlm = rd_evidence_get_object (credssp, "ntlm");
  const char *answered = get_string (ntlm, "nb_computer");

  if (answered == NULL || g_ascii_strcasecmp (answered, evidence->computer) == 0)
    return TRUE;

  {
    g_autofree char *why = g_strdup_printf (_("The server evidence is from %s, but the computer that answered here calls itself %s: the evidence was collected on another computer, or the name leads to the wrong one."),
                                            evidence->computer, answered);
    suggest (evidence, "dns-wrong-host", 0.5, why);
  }
  return FALSE;
}

/**
 * rd_diagnosis_rule_server:
 *
 * Confirms and rules out causes with the host's own evidence, when the user
 * brought it (rd_server_evidence_import()).
 */
void
rd_diagnosis_rule_server (RdDiagnosis *self)
{
  Evidence evidence = { self, NULL, NULL, NULL };

  evidence.server = rd_diagnosis_find_result (self, RD_SERVER_EVIDENCE_CHECK_ID);
  if (evidence.server == NULL || rd_check_result_get_status (evidence.server) != RD_CHECK_STATUS_PASS)
    return;
  evidence.doc = rd_check_result_get_evidence (evidence.server);
  evidence.computer = get_string (evidence.doc, "computer_name");
  if (evidence.doc == NULL || evidence.computer == NULL)
    return;

  if (!same_computer (&evidence))
    return;

  rule_service (&evidence);
  rule_firewall (&evidence);
  rule_certificate (&evidence);
  rule_security (&evidence);
  rule_sessions (&evidence);
  rule_licensing (&evidence);
  rule_profiles (&evidence);
  rule_outstanding_connections (&evidence);
  rule_credssp (&evidence);
}
