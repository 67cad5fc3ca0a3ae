/* rd-diagnosis.c: from all evidence to a ranked list of causes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-diagnosis"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "rd-catalog.h"
#include "rd-cause.h"
#include "rd-certificate.h"
#include "rd-check-result.h"
#include "rd-diagnosis-private.h"
#include "rd-target.h"
#include "rd-x224.h"

/* The diagnosis is a pure function of the evidence: no I/O, no clock, so that
 * it can be tested without a network and rerun on a saved report. */
struct _RdDiagnosis
{
  GObject     parent_instance;

  RdTarget   *target;
  GPtrArray  *results;   /* RdCheckResult */
  RdCatalog  *catalog;
  RdUserReport report;
  GPtrArray  *causes;    /* RdCause, most likely first */
  GPtrArray  *ruled_out; /* "cause-id: reason" */
};

G_DEFINE_FINAL_TYPE (RdDiagnosis, rd_diagnosis, G_TYPE_OBJECT)

RdCheckResult *
rd_diagnosis_find_result (RdDiagnosis *self,
                          const char  *check_id)
{
  for (guint i = 0; i < self->results->len; i++)
    {
      RdCheckResult *result = g_ptr_array_index (self->results, i);

      if (g_strcmp0 (rd_check_result_get_check_id (result), check_id) == 0)
        return result;
    }
  return NULL;
}

const char *
rd_evidence_get_string (RdCheckResult *result,
                        const char    *member)
{
  if (result == NULL)
    return NULL;
  return json_object_get_string_member_with_default (rd_check_result_get_evidence (result),
                                                     member, NULL);
}

JsonObject *
rd_evidence_get_object (RdCheckResult *result,
                        const char    *member)
{
  JsonNode *node;

  if (result == NULL)
    return NULL;
  node = json_object_get_member (rd_check_result_get_evidence (result), member);
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* 1 true, 0 false, -1 null or absent: how the evidence says "not tried" */
int
rd_evidence_get_tristate (JsonObject *object,
                          const char *key)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, key) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return -1;
  return json_node_get_boolean (node) ? 1 : 0;
}

/* Adds @cause_id with @confidence, or raises an existing one's confidence,
 * and records why. */
RdCause *
rd_diagnosis_suggest (RdDiagnosis   *self,
                      const char    *cause_id,
                      double         confidence,
                      RdCheckResult *because,
                      const char    *reason)
{
  const RdCatalogCause *info = rd_catalog_lookup (self->catalog, cause_id);
  RdCause *cause = NULL;

  if (info == NULL)
    {
      g_critical ("cause “%s” is not in the catalog", cause_id);
      return NULL;
    }

  for (guint i = 0; i < self->causes->len; i++)
    if (g_strcmp0 (rd_cause_get_id (g_ptr_array_index (self->causes, i)), cause_id) == 0)
      cause = g_ptr_array_index (self->causes, i);

  if (cause == NULL)
    {
      cause = rd_cause_new (info, confidence);
      g_ptr_array_add (self->causes, cause);
    }
  else
    {
      rd_cause_raise_confidence (cause, confidence);
    }

  rd_cause_add_reason (cause,
                       because != NULL ? rd_check_result_get_check_id (because) : NULL,
                       reason != NULL ? reason : rd_check_result_get_summary (because));
  return cause;
}

static void
diagnose_name (RdDiagnosis *self)
{
  RdCheckResult *dns = rd_diagnosis_find_result (self, "dns");

  if (dns != NULL && rd_check_result_get_status (dns) == RD_CHECK_STATUS_FAIL)
    rd_diagnosis_suggest (self, "dns-unresolved", 0.95, dns, NULL);
}

static void
diagnose_port (RdDiagnosis *self)
{
  RdCheckResult *tcp = rd_diagnosis_find_result (self, "tcp");
  const char *state = rd_evidence_get_string (tcp, "state");

  if (tcp == NULL || state == NULL)
    return;

  if (g_str_equal (state, "refused"))
    {
      rd_diagnosis_suggest (self, "port-closed", 0.9, tcp, NULL);
    }
  else if (g_str_equal (state, "timeout"))
    {
      rd_diagnosis_suggest (self, "port-filtered", 0.85, tcp, NULL);
    }
  else if (g_str_equal (state, "unreachable"))
    {
      /* ICMP "prohibited" is a firewall rejecting; "no route" may be the network */
      rd_diagnosis_suggest (self, "port-filtered", 0.6, tcp, NULL);
    }
  else if (g_str_equal (state, "open"))
    {
      /* How steady the path is: measured on the negotiation's connections
       * (reports before 0.2 measured it in the tcp check). */
      RdCheckResult *negotiation = rd_diagnosis_find_result (self, "negotiation");
      RdCheckResult *measured = negotiation != NULL &&
                                json_object_has_member (rd_check_result_get_evidence (negotiation), "handshakes")
                                  ? negotiation : tcp;
      JsonObject *evidence = rd_check_result_get_evidence (measured);
      JsonObject *handshakes = json_object_get_member (evidence, "handshakes") != NULL
                                 ? json_object_get_object_member (evidence, "handshakes")
                                 : NULL;
      gint64 failed = handshakes != NULL ? json_object_get_int_member_with_default (handshakes, "failed", 0) : 0;

      if (failed > 0)
        rd_diagnosis_suggest (self, "network-unstable", 0.7, measured, NULL);
      else if (json_object_get_boolean_member_with_default (evidence, "unsteady", FALSE))
        rd_diagnosis_suggest (self, "network-unstable", 0.5, measured, NULL);
    }
}


static gboolean
only_disconnects (JsonObject *failures)
{
  g_autoptr(GList) members = json_object_get_members (failures);

  for (GList *l = members; l != NULL; l = l->next)
    if (g_strcmp0 (json_object_get_string_member_with_default (failures, l->data, ""), "DISCONNECT") != 0)
      return FALSE;
  return TRUE;
}

/* The server's answers to the security offers (rdp-facts.md §1.2). Server
 * policy alone is no fault: a host that insists on NLA is healthy for every
 * client that does NLA. It becomes the cause when the user's client cannot
 * meet it (RdUserReport), or when no modern client can (Standard RDP Security only). */
static void
diagnose_negotiation (RdDiagnosis *self)
{
  RdCheckResult *negotiation = rd_diagnosis_find_result (self, "negotiation");
  JsonObject *protocols = rd_evidence_get_object (negotiation, "protocols");
  JsonObject *failures = rd_evidence_get_object (negotiation, "failure_codes");
  JsonObject *evidence;
  JsonArray *offers;
  guint n_timeout = 0, n_closed = 0, n_invalid = 0, n_answered = 0;
  gboolean cert_missing = FALSE;

  if (negotiation == NULL || rd_check_result_get_status (negotiation) == RD_CHECK_STATUS_SKIPPED)
    return;

  evidence = rd_check_result_get_evidence (negotiation);
  offers = json_object_has_member (evidence, "offers") ? json_object_get_array_member (evidence, "offers") : NULL;
  for (guint i = 0; offers != NULL && i < json_array_get_length (offers); i++)
    {
      const char *outcome = json_object_get_string_member (json_array_get_object_element (offers, i), "outcome");

      if (g_str_equal (outcome, "timeout"))
        n_timeout++;
      else if (g_str_equal (outcome, "closed") || g_str_equal (outcome, "reset") || g_str_equal (outcome, "invalid"))
        {
          n_closed++;
          n_invalid += g_str_equal (outcome, "invalid");
        }
      else if (g_str_equal (outcome, "selected") || g_str_equal (outcome, "failure") ||
               g_str_equal (outcome, "legacy") || g_str_equal (outcome, "disconnect"))
        n_answered++;
    }

  /* 0x904/0x7 seen from the wire: the port opens, the service does not talk */
  if (n_answered == 0 && n_timeout > 0)
    rd_diagnosis_suggest (self, "service-unresponsive", 0.85, negotiation,
             _("The port accepts connections, but nothing answered the Remote Desktop request before the deadline."));
  else if (n_answered == 0 && n_invalid > 0 && n_invalid == n_closed)
    rd_diagnosis_suggest (self, "service-unresponsive", 0.8, negotiation,
             _("The server answered every Remote Desktop request with bytes that are not a valid answer: what listens on the port is not a working Remote Desktop service."));
  else if (n_answered == 0 && n_closed > 0)
    rd_diagnosis_suggest (self, "service-unresponsive", 0.8, negotiation,
             _("The server closed every connection as soon as the Remote Desktop request arrived."));
  else if (n_closed + n_timeout > 0)
    rd_diagnosis_suggest (self, "service-unresponsive", 0.4, negotiation,
             _("Some Remote Desktop requests were answered, others were dropped or never answered."));

  if (failures != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (failures);

      for (GList *l = members; l != NULL; l = l->next)
        if (g_strcmp0 (json_object_get_string_member_with_default (failures, l->data, NULL),
                       "SSL_CERT_NOT_ON_SERVER") == 0)
          cert_missing = TRUE;
    }
  if (cert_missing)
    rd_diagnosis_suggest (self, "cert-key-inaccessible", 0.9, negotiation,
             _("The server answered that it has no usable certificate for secure connections (SSL_CERT_NOT_ON_SERVER)."));

  if (protocols == NULL || n_answered == 0)
    return;

  /* Nothing accepted at all: the failure codes say what the server wants. */
  if (failures != NULL && rd_check_result_get_status (negotiation) == RD_CHECK_STATUS_FAIL)
    {
      g_autoptr(GList) members = json_object_get_members (failures);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *name = json_object_get_string_member_with_default (failures, l->data, "");

          /* an unknown failure code is kept as its number: no name to match */
          if (name == NULL)
            continue;
          if (g_str_equal (name, "HYBRID_REQUIRED_BY_SERVER"))
            rd_diagnosis_suggest (self, "nla-required", 0.6, negotiation,
                                  _("The server answered every offer with HYBRID_REQUIRED_BY_SERVER: it wants Network Level Authentication."));
          else if (g_str_equal (name, "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER"))
            rd_diagnosis_suggest (self, "nla-required", 0.5, negotiation,
                                  _("The server answered SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: it wants a client certificate or smart card sign-in."));
          else if (g_str_equal (name, "SSL_REQUIRED_BY_SERVER"))
            rd_diagnosis_suggest (self, "tls-required", 0.6, negotiation,
                                  _("The server answered SSL_REQUIRED_BY_SERVER: it wants a secure (TLS) connection."));
          else if (g_str_equal (name, "SSL_NOT_ALLOWED_BY_SERVER"))
            rd_diagnosis_suggest (self, "rdp-security-only", 0.6, negotiation,
                                  _("The server answered SSL_NOT_ALLOWED_BY_SERVER: it only allows Standard RDP Security."));
          else if (g_str_equal (name, "DISCONNECT") && only_disconnects (failures))
            rd_diagnosis_suggest (self, "service-unresponsive", 0.6, negotiation,
                                  _("The server answered the offers with a disconnect instead of a negotiation: it denies the connection at the first step."));
          else if (g_str_equal (name, "INCONSISTENT_FLAGS"))
            rd_diagnosis_suggest (self, "client-broken", 0.4, negotiation,
                                  _("The server answered INCONSISTENT_FLAGS: the security requested does not match what is already in effect, usually a client or proxy fault."));
        }
    }

  if (rd_evidence_get_tristate (protocols, "rdp") == 1 &&
      rd_evidence_get_tristate (protocols, "ssl") != 1 &&
      rd_evidence_get_tristate (protocols, "hybrid") != 1 &&
      rd_evidence_get_tristate (protocols, "hybrid_ex") != 1 &&
      !(self->report.client_protocols_known && self->report.client_protocols == RD_PROTOCOL_RDP))
    rd_diagnosis_suggest (self, "rdp-security-only", 0.6, negotiation,
             json_object_get_boolean_member_with_default (evidence, "legacy", FALSE)
               ? _("The server answered in the old way, without any security negotiation: it only knows Standard RDP Security.")
               : _("The server refused TLS and NLA and accepted only Standard RDP Security."));

  if (self->report.client_protocols_known)
    {
      guint32 client = self->report.client_protocols;
      gboolean client_nla = (client & (RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX)) != 0;
      gboolean client_tls = (client & RD_PROTOCOL_SSL) != 0;
      gboolean server_nla = rd_evidence_get_tristate (protocols, "hybrid") == 1 || rd_evidence_get_tristate (protocols, "hybrid_ex") == 1;
      gboolean server_tls = rd_evidence_get_tristate (protocols, "ssl") == 1;
      gboolean server_rdp = rd_evidence_get_tristate (protocols, "rdp") == 1;

      if (!client_nla && server_nla && !server_tls && !(server_rdp && client == RD_PROTOCOL_RDP))
        rd_diagnosis_suggest (self, "nla-required", 0.9, negotiation,
                 _("The server accepts only connections with Network Level Authentication, and your client is set to connect without it."));
      else if (client == RD_PROTOCOL_RDP && !server_rdp && (server_tls || server_nla))
        rd_diagnosis_suggest (self, "tls-required", 0.9, negotiation,
                 _("The server refuses Standard RDP Security, the only layer your client is set to use."));
      else if (!client_tls && !client_nla && !server_rdp)
        rd_diagnosis_suggest (self, "tls-required", 0.9, negotiation, NULL);
    }
}

static gboolean
signature_is_weak (const char *algorithm)
{
  g_autofree char *lower = g_ascii_strdown (algorithm != NULL ? algorithm : "", -1);
  return strstr (lower, "sha1") != NULL || strstr (lower, "md5") != NULL;
}

static gboolean
certificate_lists_addresses (JsonObject *certificate)
{
  JsonNode *node = json_object_get_member (certificate, "san");
  JsonArray *san = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; san != NULL && i < json_array_get_length (san); i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (json_array_get_string_element (san, i));
      if (address != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
diagnose_tls (RdDiagnosis *self)
{
  RdCheckResult *tls = rd_diagnosis_find_result (self, "tls");
  JsonObject *evidence, *versions, *certificate;
  const char *failure;

  if (tls == NULL || rd_check_result_get_status (tls) == RD_CHECK_STATUS_SKIPPED)
    return;

  evidence = rd_check_result_get_evidence (tls);
  versions = rd_evidence_get_object (tls, "versions");
  certificate = rd_evidence_get_object (tls, "certificate");
  failure = json_object_get_string_member_with_default (evidence, "handshake_failure", NULL);

  if (rd_check_result_get_status (tls) == RD_CHECK_STATUS_FAIL &&
      (g_strcmp0 (failure, "reset") == 0 || g_strcmp0 (failure, "closed") == 0))
    rd_diagnosis_suggest (self, "cert-key-inaccessible", 0.85, tls,
             _("The server chose a secure (TLS) connection, then dropped it as soon as the handshake began: the mark of a certificate whose private key the service cannot read."));
  else if (rd_check_result_get_status (tls) == RD_CHECK_STATUS_FAIL && g_strcmp0 (failure, "timeout") == 0)
    rd_diagnosis_suggest (self, "service-unresponsive", 0.6, tls, NULL);
  else if (rd_check_result_get_status (tls) == RD_CHECK_STATUS_FAIL && g_strcmp0 (failure, "tls") == 0 &&
           versions != NULL &&
           rd_evidence_get_tristate (versions, "1.0") != 1 && rd_evidence_get_tristate (versions, "1.1") != 1 &&
           rd_evidence_get_tristate (versions, "1.2") != 1 && rd_evidence_get_tristate (versions, "1.3") != 1)
    rd_diagnosis_suggest (self, "cert-key-inaccessible", 0.65, tls,
                          _("The server chose a secure (TLS) connection, but no TLS handshake with it succeeds at any version: it cannot use its certificate."));

  /* legacy only if a handshake worked once this machine's policy was lowered */
  if (!json_object_get_boolean_member_with_default (evidence, "default_policy_ok", TRUE) && versions != NULL &&
      (rd_evidence_get_tristate (versions, "1.0") == 1 || rd_evidence_get_tristate (versions, "1.1") == 1 ||
       rd_evidence_get_tristate (versions, "1.2") == 1 || rd_evidence_get_tristate (versions, "1.3") == 1))
    {
      gboolean old_only = rd_evidence_get_tristate (versions, "1.2") != 1 && rd_evidence_get_tristate (versions, "1.3") != 1 &&
                          (rd_evidence_get_tristate (versions, "1.0") == 1 || rd_evidence_get_tristate (versions, "1.1") == 1);

      rd_diagnosis_suggest (self, "legacy-tls", old_only ? 0.85 : 0.7, tls,
               old_only ? _("The server only completes TLS 1.0 or 1.1 handshakes, which this computer’s default security settings refuse.")
                        : _("The server’s TLS handshake succeeds only with this computer’s security settings lowered (old ciphers or keys)."));
    }

  if (certificate == NULL)
    return;

  if (json_object_get_boolean_member_with_default (certificate, "expired", FALSE) ||
      json_object_get_boolean_member_with_default (certificate, "not_yet_valid", FALSE))
    {
      g_autofree char *why = g_strdup_printf (_("The certificate is valid from %s to %s, which does not include now."),
                                              json_object_get_string_member_with_default (certificate, "not_before", "?"),
                                              json_object_get_string_member_with_default (certificate, "not_after", "?"));
      rd_diagnosis_suggest (self, "cert-expired", 0.75, tls, why);
    }

  if (signature_is_weak (json_object_get_string_member_with_default (certificate, "signature_algorithm", NULL)) ||
      (g_strcmp0 (json_object_get_string_member_with_default (certificate, "key_type", NULL), "RSA") == 0 &&
       json_object_get_int_member_with_default (certificate, "key_bits", 4096) < 2048))
    {
      g_autofree char *why = g_strdup_printf (_("The certificate uses %s with a %lld-bit %s key."),
                                              json_object_get_string_member_with_default (certificate, "signature_algorithm", "?"),
                                              (long long) json_object_get_int_member_with_default (certificate, "key_bits", 0),
                                              json_object_get_string_member_with_default (certificate, "key_type", "?"));
      rd_diagnosis_suggest (self, "cert-weak", 0.6, tls, why);
    }

  /* A typed name is compared; a typed address only when the certificate lists
   * addresses at all: Windows' self-signed certificates never do, and
   * connecting to them by address draws a warning but works. */
  if ((!rd_target_is_ip_literal (self->target) || certificate_lists_addresses (certificate)) &&
      !rd_certificate_names_host (certificate, rd_target_get_host (self->target)))
    {
      g_autofree char *why = g_strdup_printf (_("The certificate is for “%s”, not for “%s”."),
                                              json_object_get_null_member (certificate, "subject_cn")
                                                ? "?" : json_object_get_string_member (certificate, "subject_cn"),
                                              rd_target_get_display_host (self->target));
      rd_diagnosis_suggest (self, "cert-name-mismatch", 0.5, tls, why);
    }
}

/* Whether @name is the typed host, or its first label, ignoring case */
static gboolean
same_computer (const char *typed,
               const char *name)
{
  g_autofree char *typed_label = NULL;
  const char *dot;

  if (name == NULL || *name == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (typed, name) == 0)
    return TRUE;
  dot = strchr (typed, '.');
  typed_label = dot != NULL ? g_strndup (typed, dot - typed) : g_strdup (typed);
  if (g_ascii_strcasecmp (typed_label, name) == 0)
    return TRUE;
  dot = strchr (name, '.');
  return dot != NULL && strlen (typed_label) == (gsize) (dot - name) &&
         g_ascii_strncasecmp (typed_label, name, dot - name) == 0;
}

static void
diagnose_identity (RdDiagnosis *self)
{
  RdCheckResult *credssp = rd_diagnosis_find_result (self, "credssp");
  RdCheckResult *dns = rd_diagnosis_find_result (self, "dns");
  JsonObject *ntlm = rd_evidence_get_object (credssp, "ntlm");
  JsonObject *evidence;
  JsonArray *addresses;
  const char *typed = rd_target_get_host (self->target);
  const char *nb, *fqdn;
  gboolean matched = FALSE;

  if (credssp == NULL || rd_check_result_get_status (credssp) == RD_CHECK_STATUS_SKIPPED)
    return;
  evidence = rd_check_result_get_evidence (credssp);

  /* TLS worked, the anonymous NTLM negotiation did not: the two sides do not
   * agree on CredSSP (an unpatched side, NTLM restricted on the server). */
  if (rd_check_result_get_status (credssp) == RD_CHECK_STATUS_FAIL)
    rd_diagnosis_suggest (self, "credssp-oracle", 0.55, credssp,
             json_object_has_member (evidence, "closed_at")
               ? _("The secure connection worked, but the server dropped it at the first step of the NLA sign-in (CredSSP).")
               : _("The secure connection worked, but the server answered the first step of the NLA sign-in (CredSSP) with a message that is not valid."));

  if (json_object_get_boolean_member_with_default (evidence, "predates_oracle_fix", FALSE))
    {
      g_autofree char *why = g_strdup_printf (_("The server speaks CredSSP version %lld; the versions with the 2018 fix are 5 and later."),
                                              (long long) json_object_get_int_member_with_default (evidence, "credssp_version", 0));
      rd_diagnosis_suggest (self, "credssp-oracle", 0.5, credssp, why);
    }

  if (json_object_has_member (evidence, "clock_skew_s") && !json_object_get_null_member (evidence, "clock_skew_s"))
    {
      double skew = json_object_get_double_member (evidence, "clock_skew_s");

      if (ABS (skew) > 300.0)
        {
          g_autofree char *why = g_strdup_printf (skew > 0 ? _("The server’s clock is %.0f minutes ahead of this computer’s.")
                                                           : _("The server’s clock is %.0f minutes behind this computer’s."),
                                                  ABS (skew) / 60.0);
          rd_diagnosis_suggest (self, "clock-skew", 0.7, credssp, why);
        }
    }

  if (ntlm == NULL || rd_target_is_ip_literal (self->target))
    return;

  nb = json_object_get_null_member (ntlm, "nb_computer") ? NULL : json_object_get_string_member (ntlm, "nb_computer");
  fqdn = json_object_get_null_member (ntlm, "dns_computer") ? NULL : json_object_get_string_member (ntlm, "dns_computer");
  if (nb == NULL && fqdn == NULL)
    return;

  matched = same_computer (typed, nb) || same_computer (typed, fqdn);

  /* an alias (CNAME) is fine when the address's own name is the computer's */
  addresses = dns != NULL && json_object_has_member (rd_check_result_get_evidence (dns), "addresses")
                ? json_object_get_array_member (rd_check_result_get_evidence (dns), "addresses") : NULL;
  for (guint i = 0; !matched && addresses != NULL && i < json_array_get_length (addresses); i++)
    {
      JsonObject *address = json_array_get_object_element (addresses, i);
      const char *reverse = json_object_get_null_member (address, "reverse")
                              ? NULL : json_object_get_string_member (address, "reverse");

      matched = reverse != NULL && (same_computer (reverse, nb) || same_computer (reverse, fqdn));
    }

  if (!matched)
    {
      g_autofree char *why = g_strdup_printf (_("You typed “%s”, but the computer that answered calls itself “%s”."),
                                              rd_target_get_display_host (self->target),
                                              fqdn != NULL ? fqdn : nb);
      rd_diagnosis_suggest (self, "dns-wrong-host", 0.65, credssp, why);
    }
}


/* Through a working RD Gateway this computer never talks to the remote
 * computer itself, so the direct checks' failures say nothing. */
static gboolean
via_gateway (RdDiagnosis *self)
{
  RdCheckResult *gateway = rd_diagnosis_find_result (self, "gateway");

  return gateway != NULL &&
         json_object_get_boolean_member_with_default (rd_check_result_get_evidence (gateway), "is_rd_gateway", FALSE);
}

static gboolean
check_usable (RdDiagnosis *self,
              const char  *check_id)
{
  RdCheckResult *result = rd_diagnosis_find_result (self, check_id);

  /* a check that did not apply (skipped) rules nothing in or out */
  return result == NULL || rd_check_result_is_usable (result) ||
         rd_check_result_get_status (result) == RD_CHECK_STATUS_SKIPPED;
}

/* What cannot be seen from outside is ranked by what the checks ruled out
 * (issue 4): when every observable step works and the user still saw the
 * server close the connection, the causes inside the server come first. */
static void
diagnose_server_side (RdDiagnosis *self)
{
  RdErrorCode *code = self->report.error_code;
  gboolean observable_ok;

  if (!via_gateway (self) && rd_diagnosis_find_result (self, "tcp") != NULL &&
      g_strcmp0 (rd_evidence_get_string (rd_diagnosis_find_result (self, "tcp"), "state"), "timeout") == 0)
    rd_diagnosis_suggest (self, "network-profile-public", 0.5, rd_diagnosis_find_result (self, "tcp"),
                          _("Connection attempts are dropped without an answer, which is what Windows does on a network it treats as Public."));

  for (guint i = 0; i < self->causes->len; i++)
    if (g_str_equal (rd_cause_get_id (g_ptr_array_index (self->causes, i)), "service-unresponsive"))
      {
        rd_diagnosis_suggest (self, "max-outstanding-connections", 0.35, NULL,
                              _("A server that accepts connections and then says nothing can also have reached its limit of waiting connections."));
        break;
      }

  if (code == NULL)
    return;

  observable_ok = self->causes->len == 0 &&
                  check_usable (self, "dns") && check_usable (self, "tcp") &&
                  check_usable (self, "negotiation") && check_usable (self, "tls") &&
                  check_usable (self, "credssp");

  if (rd_error_code_points_at (code, RD_CODE_PHASE_LICENSING))
    rd_diagnosis_suggest (self, "licensing-cap", 0.85, NULL,
                          _("The error code you saw is about Remote Desktop licensing."));
  if (rd_error_code_points_at (code, RD_CODE_PHASE_SESSION))
    rd_diagnosis_suggest (self, "session-stuck", observable_ok ? 0.6 : 0.3, NULL,
                          _("The error code you saw is about the session on the server."));

  if (observable_ok && rd_error_code_points_at (code, RD_CODE_PHASE_SERVER))
    {
      /* 0x904/0x7: the server closed the socket after refusing. Everything
       * that could refuse visibly did not, so it refused inside. */
      const char *why = _("Every step that can be checked from here works, yet the server closed the connection: the reason lies inside the server.");

      rd_diagnosis_suggest (self, "session-stuck", 0.5, NULL, why);
      rd_diagnosis_suggest (self, "licensing-cap", 0.4, NULL, why);
      rd_diagnosis_suggest (self, "profile-corrupt", 0.35, NULL, why);
      rd_diagnosis_suggest (self, "max-outstanding-connections", 0.3, NULL, why);
      rd_diagnosis_suggest (self, "client-broken", 0.2, NULL,
                            _("Everything the server does looks right from here, so this side’s client is worth checking too."));
    }
  else if (observable_ok && rd_error_code_points_at (code, RD_CODE_PHASE_TCP))
    rd_diagnosis_suggest (self, "network-unstable", 0.45, rd_diagnosis_find_result (self, "tcp"),
                          _("The error code you saw is a network failure, but the port is open now: the path may fail only now and then."));
  else if (observable_ok && rd_error_code_points_at (code, RD_CODE_PHASE_SECURITY))
    rd_diagnosis_suggest (self, "client-broken", 0.35, NULL,
                          _("The error code you saw is about the secure connection, yet the server’s security looks right from here."));

  /* FreeRDP's own word that the client did not use NLA */
  for (guint i = 0; i < rd_error_code_get_n_codes (code); i++)
    if (g_strcmp0 (rd_error_code_get_code (code, i)->name, "ERRCONNECT_HYBRID_REQUIRED_BY_SERVER") == 0)
      rd_diagnosis_suggest (self, "nla-required", 0.9, NULL,
                            _("Your client reported that the server requires Network Level Authentication."));
}

/* Fixes that only work where the server allows them (issue 4: restricted admin
 * mode only where the server advertises it). */
static void
offer_conditional_fixes (RdDiagnosis *self)
{
  RdCheckResult *negotiation = rd_diagnosis_find_result (self, "negotiation");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) conditions = NULL;
  JsonNode *flags_node = negotiation != NULL
                           ? json_object_get_member (rd_check_result_get_evidence (negotiation), "flags") : NULL;

  if (flags_node != NULL && JSON_NODE_HOLDS_ARRAY (flags_node))
    {
      JsonArray *flags = json_node_get_array (flags_node);

      for (guint i = 0; i < json_array_get_length (flags); i++)
        if (g_strcmp0 (json_array_get_string_element (flags, i), "RESTRICTED_ADMIN_MODE_SUPPORTED") == 0)
          g_strv_builder_add (builder, "restricted-admin");
    }
  conditions = g_strv_builder_end (builder);
  for (guint i = 0; i < self->causes->len; i++)
    rd_cause_add_conditional_fixes (g_ptr_array_index (self->causes, i), (const char * const *) conditions);
}

static int
compare_causes (gconstpointer a,
                gconstpointer b)
{
  RdCause *x = *(RdCause **) a;
  RdCause *y = *(RdCause **) b;
  double cx = rd_cause_get_confidence (x), cy = rd_cause_get_confidence (y);

  if (cx != cy)
    return cx > cy ? -1 : 1;
  /* equal confidence: a stable order, for reproducible reports */
  return g_strcmp0 (rd_cause_get_id (x), rd_cause_get_id (y));
}

static void
rd_diagnosis_finalize (GObject *object)
{
  RdDiagnosis *self = (RdDiagnosis *)object;

  g_clear_pointer (&self->causes, g_ptr_array_unref);
  g_clear_pointer (&self->ruled_out, g_ptr_array_unref);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_pointer (&self->target, rd_target_unref);
  g_clear_object (&self->catalog);
  g_clear_pointer (&self->report.error_code, rd_error_code_unref);

  G_OBJECT_CLASS (rd_diagnosis_parent_class)->finalize (object);
}

static void
rd_diagnosis_class_init (RdDiagnosisClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rd_diagnosis_finalize;
}

static void
rd_diagnosis_init (RdDiagnosis *self)
{
  self->causes = g_ptr_array_new_with_free_func (g_object_unref);
  self->ruled_out = g_ptr_array_new_with_free_func (g_free);
}

/**
 * rd_diagnosis_new:
 * @target: what was checked
 * @results: (element-type RdCheckResult): every check's result
 * @catalog: where the causes' texts and fixes come from
 *
 * Returns: (transfer full): the diagnosis, its causes ranked
 */
RdDiagnosis *
rd_diagnosis_new (RdTarget  *target,
                  GPtrArray *results,
                  RdCatalog *catalog)
{
  return rd_diagnosis_new_with_report (target, results, catalog, NULL);
}

/**
 * rd_diagnosis_new_with_report:
 * @report: (nullable): what the user told about their side
 *
 * Returns: (transfer full): the diagnosis, its causes ranked
 */
RdDiagnosis *
rd_diagnosis_new_with_report (RdTarget           *target,
                              GPtrArray          *results,
                              RdCatalog          *catalog,
                              const RdUserReport *report)
{
  RdDiagnosis *self;

  g_return_val_if_fail (target != NULL, NULL);
  g_return_val_if_fail (results != NULL, NULL);
  g_return_val_if_fail (RD_IS_CATALOG (catalog), NULL);

  self = g_object_new (RD_TYPE_DIAGNOSIS, NULL);
  self->target = rd_target_ref (target);
  self->results = g_ptr_array_ref (results);
  self->catalog = g_object_ref (catalog);
  if (report != NULL)
    {
      self->report = *report;
      if (report->error_code != NULL)
        self->report.error_code = rd_error_code_ref (report->error_code);
    }

  diagnose_name (self);
  diagnose_port (self);
  diagnose_negotiation (self);
  diagnose_tls (self);
  diagnose_identity (self);
  rd_diagnosis_rule_paths (self);
  diagnose_server_side (self);
  rd_diagnosis_rule_server (self);

  offer_conditional_fixes (self);
  g_ptr_array_sort (self->causes, compare_causes);
  return self;
}

/**
 * rd_diagnosis_rule_out:
 * @reason: why, in the user's language (kept in the report)
 *
 * Removes @cause_id from the causes: evidence, such as the server's own
 * settings, contradicts it.
 */
void
rd_diagnosis_rule_out (RdDiagnosis *self,
                       const char  *cause_id,
                       const char  *reason)
{
  g_return_if_fail (RD_IS_DIAGNOSIS (self));

  for (guint i = 0; i < self->causes->len; i++)
    if (g_str_equal (rd_cause_get_id (g_ptr_array_index (self->causes, i)), cause_id))
      {
        g_ptr_array_remove_index (self->causes, i);
        break;
      }
  g_ptr_array_add (self->ruled_out, g_strdup_printf ("%s: %s", cause_id, reason));
}

const RdUserReport *
rd_diagnosis_get_report (RdDiagnosis *self)
{
  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), NULL);
  return &self->report;
}

RdTarget *
rd_diagnosis_get_target (RdDiagnosis *self)
{
  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), NULL);
  return self->target;
}

/**
 * rd_diagnosis_get_results:
 *
 * Returns: (transfer none) (element-type RdCheckResult): the checks' results
 */
GPtrArray *
rd_diagnosis_get_results (RdDiagnosis *self)
{
  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), NULL);
  return self->results;
}

/**
 * rd_diagnosis_get_causes:
 *
 * Returns: (transfer none) (element-type RdCause): the causes, most likely first;
 *   empty when nothing is wrong from here
 */
GPtrArray *
rd_diagnosis_get_causes (RdDiagnosis *self)
{
  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), NULL);
  return self->causes;
}

/**
 * rd_diagnosis_get_top_cause:
 *
 * Returns: (transfer none) (nullable): the most likely cause
 */
RdCause *
rd_diagnosis_get_top_cause (RdDiagnosis *self)
{
  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), NULL);
  return self->causes->len > 0 ? g_ptr_array_index (self->causes, 0) : NULL;
}

/**
 * rd_diagnosis_found_problems:
 *
 * Returns: whether a cause was found, or a check failed or could not finish
 */
gboolean
rd_diagnosis_found_problems (RdDiagnosis *self)
{
  static const char * const direct[] = { "dns", "tcp", "negotiation", "tls", "credssp", NULL };
  gboolean gateway;

  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), FALSE);

  gateway = via_gateway (self);
  if (self->causes->len > 0)
    return TRUE;
  for (guint i = 0; i < self->results->len; i++)
    {
      RdCheckResult *result = g_ptr_array_index (self->results, i);

      RdCheckStatus status = rd_check_result_get_status (result);

      /* a check that could not finish (deadline, internal error) is no all-clear */
      if ((status == RD_CHECK_STATUS_FAIL || status == RD_CHECK_STATUS_ERROR) &&
          !(gateway && g_strv_contains (direct, rd_check_result_get_check_id (result))))
        return TRUE;
    }
  return FALSE;
}

/**
 * rd_diagnosis_to_json:
 *
 * Returns: (transfer full): the report (schema %RD_REPORT_SCHEMA_VERSION):
 *   English keys, texts in the user's language
 */
JsonNode *
rd_diagnosis_to_json (RdDiagnosis *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schema");
  json_builder_add_int_value (builder, RD_REPORT_SCHEMA_VERSION);
  json_builder_set_member_name (builder, "tool");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "rdp-doctor");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "target");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "host");
  json_builder_add_string_value (builder, rd_target_get_host (self->target));
  json_builder_set_member_name (builder, "port");
  json_builder_add_int_value (builder, rd_target_get_port (self->target));
  if (g_strcmp0 (rd_target_get_host (self->target), rd_target_get_display_host (self->target)) != 0)
    {
      json_builder_set_member_name (builder, "display_host");
      json_builder_add_string_value (builder, rd_target_get_display_host (self->target));
    }
  json_builder_end_object (builder);

  if (self->report.error_code != NULL)
    {
      json_builder_set_member_name (builder, "error_code");
      json_builder_add_value (builder, rd_error_code_to_json (self->report.error_code));
    }

  json_builder_set_member_name (builder, "checks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->results->len; i++)
    json_builder_add_value (builder, rd_check_result_to_json (g_ptr_array_index (self->results, i)));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "causes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->causes->len; i++)
    json_builder_add_value (builder, rd_cause_to_json (g_ptr_array_index (self->causes, i), self->target));
  json_builder_end_array (builder);

  if (self->ruled_out->len > 0)
    {
      json_builder_set_member_name (builder, "ruled_out");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->ruled_out->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (self->ruled_out, i));
      json_builder_end_array (builder);
    }

  json_builder_set_member_name (builder, "problems_found");
  json_builder_add_boolean_value (builder, rd_diagnosis_found_problems (self));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static const char *
status_mark (RdCheckStatus status)
{
  switch (status)
    {
    case RD_CHECK_STATUS_PASS:    return "✓";
    case RD_CHECK_STATUS_WARN:    return "!";
    case RD_CHECK_STATUS_FAIL:    return "✗";
    case RD_CHECK_STATUS_SKIPPED: return "–";
    case RD_CHECK_STATUS_ERROR:
    default:                      return "?";
    }
}

static void
append_cause (GString  *text,
              RdCause  *cause,
              RdTarget *target,
              gboolean  with_fixes)
{
  GPtrArray *reasons = rd_cause_get_reasons (cause);

  /* Translators: a cause's title followed by how sure the diagnosis is */
  g_string_append_printf (text, _("%s (%.0f%% likely)"), rd_cause_get_title (cause),
                          rd_cause_get_confidence (cause) * 100.0);
  g_string_append_printf (text, "\n  [%s]\n", rd_cause_get_id (cause));
  if (!with_fixes)
    return;

  g_string_append_printf (text, "  %s\n", rd_cause_get_explanation (cause));
  if (reasons->len > 0)
    {
      g_string_append_printf (text, "  %s\n", _("Why:"));
      for (guint i = 0; i < reasons->len; i++)
        g_string_append_printf (text, "    • %s\n",
                                json_object_get_string_member (g_ptr_array_index (reasons, i), "reason"));
    }
  for (guint f = 0; f < rd_cause_get_fixes (cause)->len; f++)
    {
      RdCatalogFix *fix = g_ptr_array_index (rd_cause_get_fixes (cause), f);

      g_string_append_printf (text, "  %s %s\n", _("Fix:"), fix->title);
      for (guint s = 0; s < fix->steps->len; s++)
        {
          RdCatalogStep *step = g_ptr_array_index (fix->steps, s);

          g_string_append_printf (text, "    %u. %s\n", s + 1, step->text);
          if (step->command != NULL)
            {
              g_autofree char *command = rd_catalog_command_render (step->command, target);
              g_string_append_printf (text, "         %s\n", command);
            }
        }
    }
}

/**
 * rd_diagnosis_to_text:
 *
 * Returns: (transfer full): the report for people, in their language
 */
char *
rd_diagnosis_to_text (RdDiagnosis *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *where = NULL;

  g_return_val_if_fail (RD_IS_DIAGNOSIS (self), NULL);

  where = rd_target_to_string (self->target);
  g_string_append_printf (text, _("RDP Doctor: diagnosis of %s"), where);
  g_string_append (text, "\n\n");

  if (self->report.error_code != NULL)
    {
      g_autofree char *meaning = rd_error_code_describe (self->report.error_code);
      g_auto(GStrv) lines = g_strsplit (meaning, "\n", -1);

      g_string_append (text, _("What the error means:"));
      g_string_append_c (text, '\n');
      for (guint i = 0; lines[i] != NULL; i++)
        g_string_append_printf (text, "  %s\n", lines[i]);
      g_string_append_c (text, '\n');
    }

  for (guint i = 0; i < self->results->len; i++)
    {
      RdCheckResult *result = g_ptr_array_index (self->results, i);

      g_string_append_printf (text, "  %s %-11s %s\n",
                              status_mark (rd_check_result_get_status (result)),
                              rd_check_result_get_check_id (result),
                              rd_check_result_get_summary (result));
    }
  g_string_append_c (text, '\n');

  if (self->causes->len == 0 && rd_diagnosis_found_problems (self))
    {
      g_string_append (text, _("A check failed, but its evidence matches no known cause. The check results above say what was seen; send this report to your help desk."));
      g_string_append_c (text, '\n');
      return g_string_free (g_steal_pointer (&text), FALSE);
    }
  if (self->causes->len == 0)
    {
      g_string_append (text, _("Nothing is wrong from here: every check passed."));
      g_string_append_c (text, '\n');
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  g_string_append (text, _("Most likely cause:"));
  g_string_append (text, "\n  ");
  append_cause (text, g_ptr_array_index (self->causes, 0), self->target, TRUE);

  if (self->causes->len > 1)
    {
      g_string_append_c (text, '\n');
      g_string_append (text, _("Other possible causes:"));
      g_string_append_c (text, '\n');
      for (guint i = 1; i < self->causes->len; i++)
        {
          g_string_append (text, "  ");
          append_cause (text, g_ptr_array_index (self->causes, i), self->target, FALSE);
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
