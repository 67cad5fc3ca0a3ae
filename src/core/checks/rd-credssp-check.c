/* rd-credssp-check.c: the server's CredSSP version and NTLM identity, asked
 * anonymously
 *
 * One TSRequest carrying an NTLM NEGOTIATE, one answer carrying the server's
 * CHALLENGE: its computer and domain names, its Windows build and its clock
 * (rdp-facts.md §1.5–1.6). No AUTHENTICATE message follows, so no logon is
 * attempted and nothing about the user leaves this machine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-credssp-check"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-credssp-check.h"
#include "rd-json.h"
#include "rd-net.h"
#include "rd-ntlm.h"
#include "rd-rdp-connection.h"
#include "rd-tls-check.h"
#include "rd-tsrequest.h"

struct _RdCredsspCheck
{
  RdCheck parent_instance;
};

G_DEFINE_FINAL_TYPE (RdCredsspCheck, rd_credssp_check, RD_TYPE_CHECK)

/* Kerberos refuses tickets beyond this skew by default (MS-GPSB MaxClockSkew). */
#define CLOCK_SKEW_LIMIT_S 300.0

static RdCheckResult *
closed_result (JsonObject   *evidence,
               const GError *error)
{
  json_object_set_string_member (evidence, "closed_at", "credssp");
  json_object_set_string_member (evidence, "error", error->message);
  if (g_error_matches (error, RD_RDP_ERROR, RD_RDP_ERROR_TIMEOUT))
    return rd_check_result_new_take ("credssp", RD_CHECK_STATUS_FAIL,
                                     g_strdup (_("The server never answered the sign-in negotiation (CredSSP)")),
                                     evidence);
  return rd_check_result_new_take ("credssp", RD_CHECK_STATUS_FAIL,
                                   g_strdup (_("The server dropped the connection at the sign-in negotiation (CredSSP)")),
                                   evidence);
}

static RdCheckResult *
rd_credssp_check_run (RdCheck        *check,
                      RdCheckContext *context,
                      GCancellable   *cancellable)
{
  gint64 deadline = rd_check_context_get_deadline (context) - 50 * G_TIME_SPAN_MILLISECOND;
  g_autoptr(RdRdpConnection) connection = rd_check_context_take_artifact (context, RD_ARTIFACT_CREDSSP_READY_CONNECTION);
  JsonObject *protocols = json_object_get_object_member (
    rd_check_result_get_evidence (rd_check_context_get_result (context, "negotiation")), "protocols");
  g_autoptr(GBytes) negotiate = rd_ntlm_encode_negotiate ();
  g_autoptr(GBytes) request_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) answer = g_byte_array_new ();
  g_auto(RdTsRequest) reply = { 0, };
  g_auto(RdNtlmChallenge) challenge = { 0, };
  RdTsRequest request = { 0, };
  JsonObject *evidence = json_object_new ();
  JsonObject *ntlm;
  gint64 sent_real, sent_mono, rtt_us;
  gssize total = 0;
  gboolean skewed = FALSE, old_version;
  double skew_s = 0;

  if (!json_object_get_boolean_member_with_default (protocols, "hybrid", FALSE) &&
      !json_object_get_boolean_member_with_default (protocols, "hybrid_ex", FALSE))
    {
      json_object_set_string_member (evidence, "reason", "no-credssp");
      return rd_check_result_new_take ("credssp", RD_CHECK_STATUS_SKIPPED,
                                       g_strdup (_("Not run: the server does not offer NLA (CredSSP)")),
                                       evidence);
    }
  if (connection == NULL)
    {
      json_object_set_string_member (evidence, "reason", "no-tls-session");
      return rd_check_result_new_take ("credssp", RD_CHECK_STATUS_SKIPPED,
                                       g_strdup (_("Not run: no TLS session to continue in")),
                                       evidence);
    }

  request.version = RD_CREDSSP_CLIENT_VERSION;
  request.nego_token = negotiate;
  request_bytes = rd_tsrequest_encode (&request);
  request.nego_token = NULL;

  sent_real = g_get_real_time ();
  sent_mono = g_get_monotonic_time ();
  if (!rd_rdp_connection_tls_write (connection, g_bytes_get_data (request_bytes, NULL),
                                    g_bytes_get_size (request_bytes), deadline, cancellable, &error))
    return closed_result (evidence, error);

  while (total == 0 || answer->len < (gsize) total)
    {
      guint8 buffer[4096];
      gssize n = rd_rdp_connection_tls_read (connection, buffer, sizeof buffer, deadline, cancellable, &error);
      g_autoptr(GError) length_error = NULL;

      if (n < 0)
        return closed_result (evidence, error);
      g_byte_array_append (answer, buffer, (guint) n);
      if (total == 0)
        {
          total = rd_tsrequest_get_length (answer->data, answer->len, RD_TSREQUEST_MAX_LENGTH, &length_error);
          if (total < 0)
            {
              json_object_set_string_member (evidence, "error", length_error->message);
              return rd_check_result_new_take ("credssp", RD_CHECK_STATUS_FAIL,
                                               g_strdup (_("The server’s CredSSP answer is not valid")),
                                               evidence);
            }
        }
    }
  rtt_us = g_get_monotonic_time () - sent_mono;
  json_object_set_double_member (evidence, "rtt_ms", (double) rtt_us / 1000.0);

  if (!rd_tsrequest_decode (answer->data, (gsize) total, &reply, &error))
    {
      json_object_set_string_member (evidence, "error", error->message);
      return rd_check_result_new_take ("credssp", RD_CHECK_STATUS_FAIL,
                                       g_strdup (_("The server’s CredSSP answer is not valid")), evidence);
    }

  json_object_set_int_member (evidence, "credssp_version", reply.version);
  if (reply.has_error_code)
    {
      g_autofree char *status = g_strdup_printf ("0x%08X", reply.error_code);
      json_object_set_string_member (evidence, "error_code", status);
    }

  if (reply.nego_token == NULL ||
      !rd_ntlm_decode_challenge (g_bytes_get_data (reply.nego_token, NULL),
                                 g_bytes_get_size (reply.nego_token), &challenge, &error))
    {
      json_object_set_null_member (evidence, "ntlm");
      json_object_set_null_member (evidence, "clock_skew_s");
      /* A CHALLENGE that does not parse ends the sign-in for any client;
       * no token at all may still leave Kerberos. */
      if (error != NULL)
        {
          json_object_set_string_member (evidence, "error", error->message);
          return rd_check_result_new_take ("credssp", RD_CHECK_STATUS_FAIL,
                                           g_strdup (_("The server’s NTLM answer (CHALLENGE) is not valid")),
                                           evidence);
        }
      return rd_check_result_new_take ("credssp", RD_CHECK_STATUS_WARN,
                                       g_strdup_printf (_("CredSSP version %lld, but no NTLM challenge came back"),
                                                        (long long) reply.version),
                                       evidence);
    }

  ntlm = json_object_new ();
  rd_json_set_string_or_null (ntlm, "nb_computer", challenge.nb_computer);
  rd_json_set_string_or_null (ntlm, "nb_domain", challenge.nb_domain);
  rd_json_set_string_or_null (ntlm, "dns_computer", challenge.dns_computer);
  rd_json_set_string_or_null (ntlm, "dns_domain", challenge.dns_domain);
  rd_json_set_string_or_null (ntlm, "dns_tree", challenge.dns_tree);
  if (challenge.has_version)
    {
      g_autofree char *version = g_strdup_printf ("%u.%u.%u", challenge.version_major,
                                                  challenge.version_minor, challenge.version_build);
      json_object_set_string_member (ntlm, "os_version", version);
    }
  else
    json_object_set_null_member (ntlm, "os_version");

  if (challenge.has_timestamp)
    {
      gint64 server_us = rd_ntlm_filetime_to_unix_us (challenge.timestamp);
      g_autoptr(GDateTime) server_time = g_date_time_new_from_unix_utc (server_us / G_USEC_PER_SEC);
      g_autofree char *iso = server_time != NULL ? g_date_time_format_iso8601 (server_time) : NULL;

      rd_json_set_string_or_null (ntlm, "server_time", iso);
      /* the server stamped its answer about half a round trip after we asked */
      skew_s = (double) (server_us - (sent_real + rtt_us / 2)) / G_USEC_PER_SEC;
      skew_s = (double) (gint64) (skew_s * 10.0) / 10.0;
      json_object_set_double_member (evidence, "clock_skew_s", skew_s);
      skewed = ABS (skew_s) > CLOCK_SKEW_LIMIT_S;
    }
  else
    {
      json_object_set_null_member (ntlm, "server_time");
      json_object_set_null_member (evidence, "clock_skew_s");
    }
  json_object_set_object_member (evidence, "ntlm", ntlm);

  /* Versions before 5 have no nonce binding: the CVE-2018-0886 fix (rdp-facts.md §1.5) */
  old_version = reply.version < 5;
  json_object_set_boolean_member (evidence, "predates_oracle_fix", old_version);

  if (skewed)
    return rd_check_result_new_take ("credssp", RD_CHECK_STATUS_WARN,
                                     g_strdup_printf (_("%s answers, but its clock is %.0f minutes off from this computer’s"),
                                                      challenge.nb_computer != NULL ? challenge.nb_computer : "?",
                                                      ABS (skew_s) / 60.0),
                                     evidence);
  if (old_version)
    return rd_check_result_new_take ("credssp", RD_CHECK_STATUS_WARN,
                                     g_strdup_printf (_("%s speaks CredSSP version %lld, from before the 2018 security fix"),
                                                      challenge.nb_computer != NULL ? challenge.nb_computer : "?",
                                                      (long long) reply.version),
                                     evidence);
  return rd_check_result_new_take ("credssp", RD_CHECK_STATUS_PASS,
                                   g_strdup_printf (_("%s (Windows %s) answers with CredSSP version %lld"),
                                                    challenge.dns_computer != NULL ? challenge.dns_computer
                                                    : challenge.nb_computer != NULL ? challenge.nb_computer : "?",
                                                    json_object_get_null_member (ntlm, "os_version") ? "?" :
                                                    json_object_get_string_member (ntlm, "os_version"),
                                                    (long long) reply.version),
                                   evidence);
}

static void
rd_credssp_check_class_init (RdCredsspCheckClass *klass)
{
  RD_CHECK_CLASS (klass)->run = rd_credssp_check_run;
}

static void
rd_credssp_check_init (RdCredsspCheck *self)
{
}

RdCheck *
rd_credssp_check_new (void)
{
  static const char * const dependencies[] = { "negotiation", "tls", NULL };

  return g_object_new (RD_TYPE_CREDSSP_CHECK,
                       "id", "credssp",
                       "title", _("Sign-in negotiation (NLA) and server identity"),
                       "dependencies", dependencies,
                       NULL);
}
