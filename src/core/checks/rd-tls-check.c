/* rd-tls-check.c: the TLS handshake after the negotiation: versions, policy, certificate
 *
 * The handshake on the connection the negotiation handed on uses this
 * machine's default OpenSSL policy, as FreeRDP would. Meanwhile TLS 1.0, 1.1
 * and 1.2 are each tried alone at security level 0, so that an old server is
 * seen for what it is rather than as a failure; they go on the other
 * connections the negotiation left in TLS mode, and only connect afresh when
 * there are none left. TLS 1.3 needs no probe of its own when the default
 * handshake worked: that one offered 1.3, so the version it got says whether
 * the server has it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-tls-check"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-certificate.h"
#include "rd-dns-check.h"
#include "rd-negotiation-check.h"
#include "rd-net.h"
#include "rd-openssl-private.h"
#include "rd-rdp-connection.h"
#include "rd-target.h"
#include "rd-tls-check.h"
#include "rd-worker.h"

struct _RdTlsCheck
{
  RdCheck parent_instance;
};

G_DEFINE_FINAL_TYPE (RdTlsCheck, rd_tls_check, RD_TYPE_CHECK)

static const struct {
  const char *key;
  int         version;
} versions[] = {
  { "1.0", TLS1_VERSION },
  { "1.1", TLS1_1_VERSION },
  { "1.2", TLS1_2_VERSION },
  { "1.3", TLS1_3_VERSION },
};

typedef struct
{
  int              version;
  RdRdpConnection *spare;        /* already in TLS mode, or NULL: connect */
  GSocketAddress  *address;
  guint32          requested;
  gint64           deadline;
  GCancellable    *cancellable;
  /* results */
  gboolean         negotiated;   /* the server selected TLS or CredSSP again */
  gboolean         accepted;     /* and completed the handshake at this version */
  gboolean         connected;    /* opened a connection of its own */
  RdRdpConnection *connection;
  char            *error;
} VersionProbe;

static void
version_probe_thread (gpointer data,
                      gpointer unused)
{
  VersionProbe *probe = data;
  RdConnectOutcome connected;
  RdX224Confirm confirm;
  g_autoptr(GError) error = NULL;

  if (probe->spare != NULL)
    {
      probe->connection = g_steal_pointer (&probe->spare);
      probe->negotiated = TRUE;
      goto handshake;
    }

  probe->connected = TRUE;
  rd_net_connect_all (&probe->address, 1, probe->deadline, TRUE, probe->cancellable, &connected);
  if (connected.state != RD_TCP_OPEN)
    {
      probe->error = g_strdup (connected.error != NULL ? connected.error : rd_tcp_state_to_string (connected.state));
      rd_connect_outcome_clear (&connected);
      return;
    }
  probe->connection = rd_rdp_connection_new (connected.socket);
  rd_connect_outcome_clear (&connected);

  if (!rd_rdp_connection_negotiate (probe->connection, probe->requested, probe->deadline,
                                    probe->cancellable, &confirm, &error) ||
      confirm.kind != RD_X224_CONFIRM_RESPONSE ||
      (confirm.selected_protocol & (RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX)) == 0)
    {
      probe->error = g_strdup (error != NULL ? error->message : "the server did not select TLS");
      g_clear_object (&probe->connection);
      return;
    }
  probe->negotiated = TRUE;

handshake:
  if (!rd_rdp_connection_start_tls (probe->connection, RD_TLS_POLICY_PERMISSIVE, probe->version,
                                    probe->deadline, probe->cancellable, &error))
    {
      probe->error = g_strdup (error->message);
      g_clear_object (&probe->connection);
      return;
    }
  probe->accepted = TRUE;
  return;
}

/* Starts @probe on a thread, on the next spare connection if one is left. */
static void
start_version_probe (RdWorkGroup  *group,
                     VersionProbe *probe,
                     GListStore   *spares,
                     guint        *next_spare)
{
  if (probe->address == NULL)
    return;
  if (spares != NULL && *next_spare < g_list_model_get_n_items (G_LIST_MODEL (spares)))
    probe->spare = g_list_model_get_item (G_LIST_MODEL (spares), (*next_spare)++);
  rd_work_group_run (group, version_probe_thread, probe);
}

static const char *
failure_kind (const GError *error)
{
  if (g_error_matches (error, RD_RDP_ERROR, RD_RDP_ERROR_RESET))
    return "reset";
  if (g_error_matches (error, RD_RDP_ERROR, RD_RDP_ERROR_CLOSED))
    return "closed";
  if (g_error_matches (error, RD_RDP_ERROR, RD_RDP_ERROR_TIMEOUT))
    return "timeout";
  if (g_error_matches (error, RD_RDP_ERROR, RD_RDP_ERROR_TLS))
    return "tls";
  return "error";
}

static void
describe_session (JsonObject      *evidence,
                  RdRdpConnection *connection)
{
  SSL *ssl = rd_rdp_connection_get_ssl (connection);
  X509 *peer = SSL_get0_peer_certificate (ssl);
  STACK_OF (X509) *chain = SSL_get_peer_cert_chain (ssl);

  json_object_set_string_member (evidence, "negotiated_version", SSL_get_version (ssl));
  json_object_set_string_member (evidence, "cipher", SSL_get_cipher_name (ssl));
  if (peer != NULL)
    {
      JsonObject *certificate = rd_certificate_describe (peer, chain != NULL ? (guint) sk_X509_num (chain) : 1);

      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      rd_certificate_note_validity (certificate, now);
      json_object_set_object_member (evidence, "certificate", certificate);
    }
  else
    json_object_set_null_member (evidence, "certificate");
}

static guint32
requested_for (RdCheckResult *negotiation)
{
  JsonObject *protocols = json_object_get_object_member (rd_check_result_get_evidence (negotiation), "protocols");

  if (json_object_get_boolean_member_with_default (protocols, "hybrid", FALSE))
    return RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID;
  if (json_object_get_boolean_member_with_default (protocols, "ssl", FALSE))
    return RD_PROTOCOL_SSL;
  return RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX;
}

static RdCheckResult *
rd_tls_check_run (RdCheck        *check,
                  RdCheckContext *context,
                  GCancellable   *cancellable)
{
  RdCheckResult *negotiation = rd_check_context_get_result (context, "negotiation");
  gint64 deadline = rd_check_context_get_deadline (context) - 50 * G_TIME_SPAN_MILLISECOND;
  g_autoptr(RdRdpConnection) connection = rd_check_context_take_artifact (context, RD_ARTIFACT_TLS_READY_CONNECTION);
  g_autoptr(GPtrArray) addresses = NULL;
  g_autoptr(GError) error = NULL;
  VersionProbe probes[G_N_ELEMENTS (versions)] = { { 0, } };
  g_autoptr(RdWorkGroup) group = rd_work_group_new ();
  JsonObject *evidence = json_object_new ();
  JsonObject *accepted;
  gboolean default_ok, any_version = FALSE, modern = FALSE;
  RdRdpConnection *best_probe = NULL;
  JsonObject *certificate;
  GSocketAddress *address;
  g_autoptr(GListStore) spares = rd_check_context_take_artifact (context, RD_ARTIFACT_SPARE_TLS_CONNECTIONS);
  JsonArray *from_default;
  guint next_spare = 0, n_connected = 0;

  if (connection == NULL)
    {
      json_object_set_string_member (evidence, "reason", "no-tls");
      return rd_check_result_new_take ("tls", RD_CHECK_STATUS_SKIPPED,
                                       g_strdup (_("Not run: the server did not choose TLS for any offer")),
                                       evidence);
    }

  accepted = json_object_new ();
  from_default = json_array_new ();
  /* the version probes go to the address the negotiation used */
  addresses = g_ptr_array_new_with_free_func (g_object_unref);
  address = g_socket_get_remote_address (rd_rdp_connection_get_socket (connection), NULL);
  /* NULL when the server has already reset the connection: nothing to probe,
   * and the handshake below says what happened. */
  if (address != NULL)
    g_ptr_array_add (addresses, address);
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      probes[i].version = versions[i].version;
      probes[i].address = address;
      probes[i].requested = requested_for (negotiation);
      probes[i].deadline = deadline;
      probes[i].cancellable = cancellable;
    }
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    if (versions[i].version != TLS1_3_VERSION)
      start_version_probe (group, &probes[i], spares, &next_spare);

  default_ok = rd_rdp_connection_start_tls (connection, RD_TLS_POLICY_DEFAULT, 0, deadline, cancellable, &error);

  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      if (versions[i].version != TLS1_3_VERSION)
        continue;
      if (default_ok)
        {
          /* the default handshake offered 1.3: the server took it if it has it */
          probes[i].negotiated = TRUE;
          probes[i].accepted = SSL_version (rd_rdp_connection_get_ssl (connection)) == TLS1_3_VERSION;
          json_array_add_string_element (from_default, versions[i].key);
        }
      else
        start_version_probe (group, &probes[i], spares, &next_spare);
    }

  rd_work_group_wait (group);

  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      if (probes[i].negotiated)
        json_object_set_boolean_member (accepted, versions[i].key, probes[i].accepted);
      else
        json_object_set_null_member (accepted, versions[i].key);
      if (probes[i].connected)
        n_connected++;
      if (probes[i].accepted)
        {
          any_version = TRUE;
          modern |= probes[i].version >= TLS1_2_VERSION;
          if (probes[i].connection != NULL)
            best_probe = probes[i].connection;  /* the highest version wins */
        }
    }
  json_object_set_object_member (evidence, "versions", accepted);
  json_object_set_array_member (evidence, "versions_from_default_handshake", from_default);
  json_object_set_boolean_member (evidence, "default_policy_ok", default_ok);
  /* the connections this check opened itself */
  json_object_set_int_member (evidence, "connections", n_connected);

  if (default_ok)
    {
      json_object_set_null_member (evidence, "handshake_error");
      describe_session (evidence, connection);
      if (rd_rdp_connection_get_confirm (connection)->selected_protocol != RD_PROTOCOL_SSL)
        rd_check_context_put_artifact (context, RD_ARTIFACT_CREDSSP_READY_CONNECTION,
                                       G_OBJECT (g_steal_pointer (&connection)));
    }
  else
    {
      json_object_set_string_member (evidence, "handshake_error", error->message);
      json_object_set_string_member (evidence, "handshake_failure", failure_kind (error));
      if (best_probe != NULL)
        {
          describe_session (evidence, best_probe);
          if (rd_rdp_connection_get_confirm (best_probe)->selected_protocol != RD_PROTOCOL_SSL)
            rd_check_context_put_artifact (context, RD_ARTIFACT_CREDSSP_READY_CONNECTION,
                                           G_OBJECT (g_object_ref (best_probe)));
        }
      else
        {
          json_object_set_null_member (evidence, "negotiated_version");
          json_object_set_null_member (evidence, "certificate");
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_clear_object (&probes[i].connection);
      g_clear_object (&probes[i].spare);
      g_free (probes[i].error);
    }

  if (g_cancellable_is_cancelled (cancellable))
    return rd_check_result_new_take ("tls", RD_CHECK_STATUS_ERROR, g_strdup (_("Cancelled")), evidence);

  if (!default_ok && !any_version)
    {
      const char *kind = json_object_get_string_member (evidence, "handshake_failure");

      if (g_str_equal (kind, "reset") || g_str_equal (kind, "closed"))
        return rd_check_result_new_take ("tls", RD_CHECK_STATUS_FAIL,
                                         g_strdup (_("The server chose TLS, then dropped the connection at the handshake")),
                                         evidence);
      if (g_str_equal (kind, "timeout"))
        return rd_check_result_new_take ("tls", RD_CHECK_STATUS_FAIL,
                                         g_strdup (_("The server chose TLS, then never answered the handshake")),
                                         evidence);
      return rd_check_result_new_take ("tls", RD_CHECK_STATUS_FAIL,
                                       g_strdup_printf (_("The TLS handshake failed: %s"), error->message),
                                       evidence);
    }

  certificate = json_object_get_member (evidence, "certificate") != NULL &&
                !json_object_get_null_member (evidence, "certificate")
                  ? json_object_get_object_member (evidence, "certificate") : NULL;

  if (!default_ok)
    return rd_check_result_new_take ("tls", RD_CHECK_STATUS_WARN,
                                     modern
                                       ? g_strdup (_("This computer’s security settings refuse the server’s TLS offer"))
                                       : g_strdup (_("The server only speaks TLS versions this computer no longer accepts")),
                                     evidence);

  if (certificate != NULL &&
      (json_object_get_boolean_member (certificate, "expired") ||
       json_object_get_boolean_member (certificate, "not_yet_valid")))
    return rd_check_result_new_take ("tls", RD_CHECK_STATUS_WARN,
                                     g_strdup_printf (_("%s, but the certificate is not valid now (until %s)"),
                                                      json_object_get_string_member (evidence, "negotiated_version"),
                                                      json_object_get_string_member (certificate, "not_after")),
                                     evidence);

  if (certificate != NULL)
    {
      const char *cn = json_object_get_null_member (certificate, "subject_cn") ? "?" :
                       json_object_get_string_member (certificate, "subject_cn");

      return rd_check_result_new_take ("tls", RD_CHECK_STATUS_PASS,
                                       g_strdup_printf (_("%s; certificate for %s valid until %s"),
                                                        json_object_get_string_member (evidence, "negotiated_version"),
                                                        cn, json_object_get_string_member (certificate, "not_after")),
                                       evidence);
    }
  return rd_check_result_new_take ("tls", RD_CHECK_STATUS_WARN,
                                   g_strdup (_("The server sent no certificate")), evidence);
}

static void
rd_tls_check_class_init (RdTlsCheckClass *klass)
{
  RD_CHECK_CLASS (klass)->run = rd_tls_check_run;
}

static void
rd_tls_check_init (RdTlsCheck *self)
{
}

RdCheck *
rd_tls_check_new (void)
{
  static const char * const dependencies[] = { "negotiation", NULL };

  return g_object_new (RD_TYPE_TLS_CHECK,
                       "id", "tls",
                       "title", _("Secure connection (TLS) and certificate"),
                       "dependencies", dependencies,
                       NULL);
}
