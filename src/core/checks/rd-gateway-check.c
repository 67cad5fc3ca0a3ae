/* rd-gateway-check.c: does the RD Gateway answer like one: name, port,
 * certificate, and the MS-TSGU HTTP transport's first request
 *
 * A gateway that works answers an anonymous RDG_OUT_DATA request with 401 and
 * the authentication schemes it accepts (MS-TSGU 4.2.1; rdp-facts.md §1.9).
 * A web page, a 404 or 405, a redirect to a sign-in page or a proxy's own page
 * means the requests end somewhere else: a reverse proxy without passthrough,
 * a wrong port forward, a TLS-inspecting middlebox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-gateway-check"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include <string.h>

#include "rd-certificate.h"
#include "rd-dns-check.h"
#include "rd-gateway-check.h"
#include "rd-json.h"
#include "rd-net.h"
#include "rd-openssl-private.h"
#include "rd-rdp-connection.h"
#include "rd-target.h"

struct _RdGatewayCheck
{
  RdCheck parent_instance;
};

G_DEFINE_FINAL_TYPE (RdGatewayCheck, rd_gateway_check, RD_TYPE_CHECK)

/* MS-TSGU 4.2.1: the HTTP transport's OUT channel, as FreeRDP's gateway/rdg.c sends it */
#define RDG_OUT_METHOD "RDG_OUT_DATA"
#define RDG_PATH       "/remoteDesktopGateway/"
#define RDG_USER_AGENT "MS-RDGateway/1.0"

/* Keep back this much of the deadline for building the result. */
#define RESERVE_US (50 * G_TIME_SPAN_MILLISECOND)

/* Words in the issuer of certificates that TLS-inspecting proxies and the
 * "HTTPS scanning" of security products mint on the fly. Such a certificate
 * means the connection ends at a middlebox, not at the gateway. */
static const char * const inspection_issuers[] = {
  "Zscaler", "Fortinet", "FortiGate", "Palo Alto", "Blue Coat", "Netskope",
  "Forcepoint", "Websense", "Cisco Umbrella", "Sophos", "Check Point",
  "Barracuda", "McAfee Web Gateway", "Kaspersky", "ESET SSL Filter",
  "Avast Web", "AVG Web", "Bitdefender", "mitmproxy", "Charles Proxy", "Fiddler",
};

typedef struct
{
  gboolean      done;
  GInputStream *body;
  GError       *error;
} HttpProbe;

static gboolean
probe_is_done (gpointer data)
{
  return ((HttpProbe *) data)->done;
}

static void
send_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  HttpProbe *probe = user_data;

  probe->body = soup_session_send_finish (SOUP_SESSION (source_object), result, &probe->error);
  probe->done = TRUE;
}

/* Judging the certificate is the TLS step's work: the probe takes any. */
static gboolean
accept_certificate_cb (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  return TRUE;
}

static const char *
find_inspection_issuer (const char *issuer)
{
  g_autofree char *lower = g_utf8_casefold (issuer != NULL ? issuer : "", -1);

  for (guint i = 0; i < G_N_ELEMENTS (inspection_issuers); i++)
    {
      g_autofree char *word = g_utf8_casefold (inspection_issuers[i], -1);

      if (strstr (lower, word) != NULL)
        return inspection_issuers[i];
    }
  return NULL;
}

/* The schemes of all WWW-Authenticate challenges (RFC 9110 §11.6.1): each
 * list element that starts with a token not followed by "=" opens a challenge;
 * the others are that challenge's parameters. */
static JsonArray *
parse_schemes (SoupMessageHeaders *headers)
{
  JsonArray *schemes = json_array_new ();
  const char *value = soup_message_headers_get_list (headers, "WWW-Authenticate");
  GSList *elements = value != NULL ? soup_header_parse_list (value) : NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (GSList *l = elements; l != NULL; l = l->next)
    {
      const char *element = l->data;
      g_autofree char *scheme = NULL;
      gsize length;

      while (*element == ' ' || *element == '\t')
        element++;
      length = strcspn (element, " \t=");
      if (length == 0 || element[length] == '=')
        continue;
      scheme = g_strndup (element, length);
      if (g_hash_table_add (seen, g_ascii_strdown (scheme, -1)))
        json_array_add_string_element (schemes, scheme);
    }
  soup_header_free_list (elements);
  return schemes;
}

/* The first request of the HTTP transport, sent as a client would: to the
 * address the TCP step reached, with no proxy, no authentication attempt and
 * no redirect followed. */
static JsonObject *
probe_http (RdTarget       *gateway,
            GSocketAddress *address,
            gint64          deadline,
            GCancellable   *cancellable)
{
  JsonObject *http = json_object_new ();
  g_autoptr(GMainContext) main_context = g_main_context_new ();
  g_autoptr(GCancellable) sending = g_cancellable_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *connection_id = NULL;
  g_autofree char *guid = g_uuid_string_random ();
  gint64 remaining_us = deadline - g_get_monotonic_time ();
  guint timeout_s = (guint) MAX (1, (remaining_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  HttpProbe probe = { 0, };

  g_main_context_push_thread_default (main_context);

  session = soup_session_new_with_options ("remote-connectable", address,
                                           "timeout", timeout_s,
                                           "idle-timeout", timeout_s,
                                           "user-agent", RDG_USER_AGENT,
                                           NULL);
  soup_session_set_proxy_resolver (session, NULL);
  soup_session_remove_feature_by_type (session, SOUP_TYPE_AUTH_MANAGER);

  uri = g_uri_join (G_URI_FLAGS_NONE, "https", NULL, rd_target_get_host (gateway),
                    rd_target_get_port (gateway), RDG_PATH, NULL, NULL);
  message = soup_message_new (RDG_OUT_METHOD, uri);
  if (message == NULL)
    {
      json_object_set_string_member (http, "error", "not a valid address for a request");
      g_clear_object (&session);
      g_main_context_pop_thread_default (main_context);
      return http;
    }
  connection_id = g_strdup_printf ("{%s}", guid);
  soup_message_headers_replace (soup_message_get_request_headers (message), "RDG-Connection-Id", connection_id);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "*/*");
  soup_message_headers_replace (soup_message_get_request_headers (message), "Cache-Control", "no-cache");
  soup_message_headers_replace (soup_message_get_request_headers (message), "Pragma", "no-cache");
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);

  soup_session_send_async (session, message, G_PRIORITY_DEFAULT, sending, send_done_cb, &probe);
  rd_net_wait_until (main_context, probe_is_done, &probe, deadline, cancellable);

  /* Let a cancelled send call back so that nothing refers to this stack frame. */
  g_cancellable_cancel (sending);
  rd_net_wait_until (main_context, probe_is_done, &probe, g_get_monotonic_time () + G_USEC_PER_SEC, NULL);

  if (probe.body != NULL)
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (message);
      guint status = soup_message_get_status (message);
      const char *location = soup_message_headers_get_one (headers, "Location");

      json_object_set_int_member (http, "status", status);
      rd_json_set_string_or_null (http, "reason", soup_message_get_reason_phrase (message));
      json_object_set_array_member (http, "schemes", parse_schemes (headers));
      rd_json_set_string_or_null (http, "server", soup_message_headers_get_one (headers, "Server"));
      rd_json_set_string_or_null (http, "location", location);
      json_object_set_boolean_member (http, "redirect", SOUP_STATUS_IS_REDIRECTION (status) && location != NULL);
      json_object_set_string_member (http, "version",
                                     soup_message_get_http_version (message) == SOUP_HTTP_2_0 ? "2" :
                                     soup_message_get_http_version (message) == SOUP_HTTP_1_0 ? "1.0" : "1.1");
    }
  else
    {
      json_object_set_string_member (http, "error",
                                     probe.error != NULL ? probe.error->message : "no answer before the deadline");
    }

  /* The body does not matter; drop the connection rather than read it. */
  soup_session_abort (session);
  g_clear_object (&probe.body);
  g_clear_error (&probe.error);
  g_clear_object (&message);
  g_clear_object (&session);
  while (g_main_context_iteration (main_context, FALSE))
    ;
  g_main_context_pop_thread_default (main_context);
  return http;
}

static JsonObject *
address_outcome_to_json (const RdConnectOutcome *outcome)
{
  JsonObject *entry = json_object_new ();
  g_autofree char *text = g_inet_address_to_string (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (outcome->address)));

  json_object_set_string_member (entry, "address", text);
  json_object_set_string_member (entry, "state", rd_tcp_state_to_string (outcome->state));
  json_object_set_double_member (entry, "connect_ms", outcome->connect_ms);
  if (outcome->error != NULL)
    json_object_set_string_member (entry, "error", outcome->error);
  return entry;
}

static GPtrArray *
resolve_gateway (RdTarget     *gateway,
                 gint64        deadline,
                 GCancellable *cancellable,
                 const char  **failure)
{
  RdDnsAnswer answer;
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_object_unref);

  *failure = NULL;
  if (rd_target_is_ip_literal (gateway))
    {
      g_ptr_array_add (addresses, g_inet_address_new_from_string (rd_target_get_host (gateway)));
      return addresses;
    }

  rd_dns_resolve (rd_target_get_host (gateway), deadline, cancellable, &answer);
  for (guint i = 0; i < answer.addresses->len; i++)
    g_ptr_array_add (addresses, g_object_ref (g_ptr_array_index (answer.addresses, i)));
  *failure = rd_dns_answer_get_failure (&answer);
  rd_dns_answer_clear (&answer);
  return addresses;
}

static RdCheckResult *
result_take (RdCheckStatus  status,
             char          *summary,
             JsonObject    *evidence)
{
  return rd_check_result_new_take ("gateway", status, summary, evidence);
}

static RdCheckResult *
rd_gateway_check_run (RdCheck        *check,
                      RdCheckContext *context,
                      GCancellable   *cancellable)
{
  GVariant *option = rd_check_context_get_option (context, RD_OPTION_GATEWAY);
  gint64 deadline = rd_check_context_get_deadline (context) - RESERVE_US;
  g_autoptr(RdTarget) gateway = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) addresses = NULL;
  g_autoptr(GPtrArray) socket_addresses = NULL;
  g_autoptr(RdRdpConnection) connection = NULL;
  g_autofree RdConnectOutcome *outcomes = NULL;
  g_autofree char *where = NULL;
  JsonObject *evidence = json_object_new ();
  JsonObject *about;
  JsonObject *certificate = NULL;
  JsonObject *http;
  JsonArray *list;
  JsonArray *schemes;
  const char *failure = NULL;
  const char *inspection;
  RdTcpState state;
  GSocketAddress *open_address = NULL;
  gboolean names_gateway, is_rd_gateway, invalid_now;
  gint64 status;

  if (option == NULL || !g_variant_is_of_type (option, G_VARIANT_TYPE_STRING) ||
      *g_variant_get_string (option, NULL) == '\0')
    {
      json_object_set_string_member (evidence, "reason", "no-gateway");
      return result_take (RD_CHECK_STATUS_SKIPPED,
                          g_strdup (_("Not run: no Remote Desktop Gateway was given")), evidence);
    }

  gateway = rd_target_parse (g_variant_get_string (option, NULL), RD_DEFAULT_GATEWAY_PORT, &error);
  if (gateway == NULL)
    {
      json_object_set_string_member (evidence, "reason", "invalid-gateway");
      json_object_set_string_member (evidence, "error", error->message);
      return result_take (RD_CHECK_STATUS_ERROR,
                          g_strdup_printf (_("The Remote Desktop Gateway “%s” is not valid: %s"),
                                           g_variant_get_string (option, NULL), error->message),
                          evidence);
    }

  where = rd_target_to_string (gateway);
  about = json_object_new ();
  json_object_set_string_member (about, "host", rd_target_get_host (gateway));
  json_object_set_int_member (about, "port", rd_target_get_port (gateway));
  json_object_set_object_member (evidence, "gateway", about);
  list = json_array_new ();
  json_object_set_array_member (evidence, "addresses", list);

  /* 1. the name */
  addresses = resolve_gateway (gateway, deadline, cancellable, &failure);
  if (addresses->len == 0)
    {
      json_object_set_string_member (evidence, "failure", "dns");
      json_object_set_string_member (evidence, "dns_failure", failure != NULL ? failure : "not-found");
      return result_take (RD_CHECK_STATUS_FAIL,
                          g_strdup_printf (_("The Remote Desktop Gateway’s name %s cannot be found"),
                                           rd_target_get_display_host (gateway)),
                          evidence);
    }

  /* 2. the port, on every address at once */
  socket_addresses = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < addresses->len; i++)
    g_ptr_array_add (socket_addresses, g_inet_socket_address_new (g_ptr_array_index (addresses, i),
                                                                  rd_target_get_port (gateway)));
  outcomes = g_new0 (RdConnectOutcome, socket_addresses->len);
  rd_net_connect_all ((GSocketAddress **) socket_addresses->pdata, socket_addresses->len,
                      deadline, TRUE, cancellable, outcomes);
  state = rd_connect_outcomes_state (outcomes, socket_addresses->len);
  for (guint i = 0; i < socket_addresses->len; i++)
    {
      json_array_add_object_element (list, address_outcome_to_json (&outcomes[i]));
      if (outcomes[i].state == RD_TCP_OPEN && connection == NULL)
        {
          connection = rd_rdp_connection_new (outcomes[i].socket);
          open_address = g_ptr_array_index (socket_addresses, i);
        }
    }
  for (guint i = 0; i < socket_addresses->len; i++)
    rd_connect_outcome_clear (&outcomes[i]);
  json_object_set_string_member (evidence, "tcp_state", rd_tcp_state_to_string (state));

  if (g_cancellable_is_cancelled (cancellable))
    return result_take (RD_CHECK_STATUS_ERROR, g_strdup (_("Cancelled")), evidence);

  if (connection == NULL)
    {
      json_object_set_string_member (evidence, "failure", "tcp");
      switch (state)
        {
        case RD_TCP_REFUSED:
          return result_take (RD_CHECK_STATUS_FAIL,
                              g_strdup_printf (_("The Remote Desktop Gateway %s refused the connection: nothing listens there"), where),
                              evidence);
        case RD_TCP_TIMEOUT:
          return result_take (RD_CHECK_STATUS_FAIL,
                              g_strdup_printf (_("No answer from the Remote Desktop Gateway %s: something drops the connection attempts"), where),
                              evidence);
        case RD_TCP_UNREACHABLE:
          return result_take (RD_CHECK_STATUS_FAIL,
                              g_strdup_printf (_("The Remote Desktop Gateway %s cannot be reached: no route, or a firewall rejects it"), where),
                              evidence);
        case RD_TCP_OPEN:
        case RD_TCP_ERROR:
        default:
          return result_take (RD_CHECK_STATUS_ERROR,
                              g_strdup_printf (_("Could not try to connect to the Remote Desktop Gateway %s"), where),
                              evidence);
        }
    }

  /* 3. TLS, with the gateway's name as SNI, as a client sends it */
  if (!rd_target_is_ip_literal (gateway))
    rd_rdp_connection_set_server_name (connection, rd_target_get_host (gateway));
  if (!rd_rdp_connection_start_tls (connection, RD_TLS_POLICY_DEFAULT, 0, deadline, cancellable, &error))
    {
      json_object_set_string_member (evidence, "failure", "tls");
      json_object_set_string_member (evidence, "handshake_error", error->message);
      json_object_set_null_member (evidence, "certificate");
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return result_take (RD_CHECK_STATUS_ERROR, g_strdup (_("Cancelled")), evidence);
      return result_take (RD_CHECK_STATUS_FAIL,
                          g_strdup_printf (_("The secure connection (TLS) to the Remote Desktop Gateway failed: %s"),
                                           error->message),
                          evidence);
    }

  {
    SSL *ssl = rd_rdp_connection_get_ssl (connection);
    X509 *peer = SSL_get0_peer_certificate (ssl);
    STACK_OF (X509) *chain = SSL_get_peer_cert_chain (ssl);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    json_object_set_string_member (evidence, "tls_version", SSL_get_version (ssl));
    if (peer != NULL)
      {
        certificate = rd_certificate_describe (peer, chain != NULL ? (guint) sk_X509_num (chain) : 1);
        rd_certificate_note_validity (certificate, now);
        json_object_set_object_member (evidence, "certificate", certificate);
      }
    else
      {
        json_object_set_null_member (evidence, "certificate");
      }
  }
  /* the probe makes its own connection: this one only showed the certificate */
  g_clear_object (&connection);

  names_gateway = certificate != NULL && rd_certificate_names_host (certificate, rd_target_get_host (gateway));
  json_object_set_boolean_member (evidence, "names_gateway", names_gateway);
  inspection = certificate != NULL ? find_inspection_issuer (json_object_get_string_member (certificate, "issuer")) : NULL;
  rd_json_set_string_or_null (evidence, "tls_inspection", inspection);
  invalid_now = certificate != NULL &&
                (json_object_get_boolean_member (certificate, "expired") ||
                 json_object_get_boolean_member (certificate, "not_yet_valid"));

  /* 4. the RDG_OUT_DATA request */
  http = probe_http (gateway, open_address, deadline, cancellable);
  json_object_set_object_member (evidence, "http", http);

  if (g_cancellable_is_cancelled (cancellable))
    return result_take (RD_CHECK_STATUS_ERROR, g_strdup (_("Cancelled")), evidence);

  if (json_object_has_member (http, "error"))
    {
      json_object_set_boolean_member (evidence, "is_rd_gateway", FALSE);
      json_object_set_string_member (evidence, "failure", "http");
      return result_take (RD_CHECK_STATUS_FAIL,
                          g_strdup_printf (_("The Remote Desktop Gateway %s did not answer the gateway request: %s"),
                                           where, json_object_get_string_member (http, "error")),
                          evidence);
    }

  status = json_object_get_int_member (http, "status");
  schemes = json_object_get_array_member (http, "schemes");
  is_rd_gateway = status == SOUP_STATUS_UNAUTHORIZED && json_array_get_length (schemes) > 0;
  json_object_set_boolean_member (evidence, "is_rd_gateway", is_rd_gateway);

  if (!is_rd_gateway)
    {
      json_object_set_string_member (evidence, "failure", "http");
      if (json_object_get_boolean_member (http, "redirect"))
        return result_take (RD_CHECK_STATUS_FAIL,
                            g_strdup_printf (_("%s does not answer like a Remote Desktop Gateway: it redirects to %s"),
                                             where, json_object_get_string_member (http, "location")),
                            evidence);
      return result_take (RD_CHECK_STATUS_FAIL,
                          g_strdup_printf (_("%s does not answer like a Remote Desktop Gateway (HTTP %u instead of 401)"),
                                           where, (guint) status),
                          evidence);
    }

  {
    g_autoptr(GString) joined = g_string_new (NULL);

    for (guint i = 0; i < json_array_get_length (schemes); i++)
      g_string_append_printf (joined, "%s%s", i > 0 ? ", " : "", json_array_get_string_element (schemes, i));

    if (inspection != NULL)
      return result_take (RD_CHECK_STATUS_WARN,
                          g_strdup_printf (_("%s answers as a Remote Desktop Gateway, but through a TLS-inspecting product (%s)"),
                                           where, inspection),
                          evidence);
    if (certificate != NULL && !names_gateway)
      return result_take (RD_CHECK_STATUS_WARN,
                          g_strdup_printf (_("%s answers as a Remote Desktop Gateway, but its certificate is for “%s”"),
                                           where,
                                           json_object_get_null_member (certificate, "subject_cn")
                                             ? "?" : json_object_get_string_member (certificate, "subject_cn")),
                          evidence);
    if (invalid_now)
      return result_take (RD_CHECK_STATUS_WARN,
                          g_strdup_printf (_("%s answers as a Remote Desktop Gateway, but its certificate is not valid now (until %s)"),
                                           where, json_object_get_string_member (certificate, "not_after")),
                          evidence);
    return result_take (RD_CHECK_STATUS_PASS,
                        g_strdup_printf (_("%s answers as a Remote Desktop Gateway (sign-in: %s)"),
                                         where, joined->str),
                        evidence);
  }
}

static void
rd_gateway_check_class_init (RdGatewayCheckClass *klass)
{
  RD_CHECK_CLASS (klass)->run = rd_gateway_check_run;
}

static void
rd_gateway_check_init (RdGatewayCheck *self)
{
}

RdCheck *
rd_gateway_check_new (void)
{
  return g_object_new (RD_TYPE_GATEWAY_CHECK,
                       "id", "gateway",
                       "title", _("Remote Desktop Gateway"),
                       NULL);
}
