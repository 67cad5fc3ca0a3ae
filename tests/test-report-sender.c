/* test-report-sender.c: redaction, and the hand-off to a local HTTPS server
 *
 * The server is libsoup's, on 127.0.0.1 only, in its own thread with its own
 * GMainContext; its certificates come from `openssl` in a temporary folder:
 * an authority the client is told to trust, a certificate it signed for
 * 127.0.0.1, one it signed for another name, and a self-signed one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "rd-core.h"

/* A report as rd_diagnosis_to_json() writes it, with every kind of name. */
static const char report_json[] =
  "{"
  "  \"schema\": 1,"
  "  \"tool\": { \"name\": \"rdp-doctor\", \"version\": \"0.1.0\" },"
  "  \"target\": { \"host\": \"srv01.corp.example.com\", \"port\": 3389, \"display_host\": \"SRV01.corp.example.com\" },"
  "  \"checks\": ["
  "    { \"id\": \"dns\", \"status\": \"pass\","
  "      \"summary\": \"srv01.corp.example.com is 192.0.2.10, 2001:db8::10 (0.10 ms)\","
  "      \"duration_ms\": 2,"
  "      \"evidence\": { \"query\": \"srv01.corp.example.com\", \"ip_literal\": false,"
  "                    \"addresses\": [ { \"address\": \"192.0.2.10\", \"family\": \"ipv4\", \"reverse\": \"srv01.corp.example.com\" },"
  "                                   { \"address\": \"2001:db8::10\", \"family\": \"ipv6\", \"reverse\": null } ],"
  "                    \"lookup_ms\": 0.103 } },"
  "    { \"id\": \"tcp\", \"status\": \"fail\","
  "      \"summary\": \"Connection to [2001:db8::10]:3389 and 192.0.2.10:3389 timed out.\","
  "      \"duration_ms\": 5000,"
  "      \"evidence\": { \"port\": 3389, \"state\": \"timeout\" } },"
  "    { \"id\": \"tls\", \"status\": \"warn\", \"summary\": \"The certificate is for SRV01, not for the name you typed\","
  "      \"duration_ms\": 12,"
  "      \"evidence\": { \"certificate\": { \"subject\": \"CN=SRV01\", \"subject_cn\": \"SRV01\","
  "                                       \"san\": [ \"SRV01\", \"srv01.corp.example.com\" ],"
  "                                       \"issuer\": \"CN=SRV01\", \"sha256\": \"ab:cd:ef\","
  "                                       \"not_after\": \"2027-01-01T10:00:00Z\", \"key_bits\": 2048 } } },"
  "    { \"id\": \"credssp\", \"status\": \"pass\", \"summary\": \"srv01 answers: Windows 10.0.19045\","
  "      \"duration_ms\": 30,"
  "      \"evidence\": { \"ntlm\": { \"nb_computer\": \"SRV01\", \"nb_domain\": \"CORP\","
  "                                \"dns_computer\": \"srv01.corp.example.com\", \"dns_domain\": \"corp.example.com\","
  "                                \"dns_tree\": \"example.com\", \"os_version\": \"10.0.19045\" } } },"
  "    { \"id\": \"gateway\", \"status\": \"pass\", \"summary\": \"rdgw.corp.example.com answers as an RD Gateway\","
  "      \"duration_ms\": 40,"
  "      \"evidence\": { \"gateway\": { \"host\": \"rdgw.corp.example.com\", \"port\": 443 },"
  "                    \"routes\": [ { \"destination\": \"0.0.0.0\", \"gateway\": \"192.0.2.1\", \"interface\": \"tun0\" } ] } },"
  "    { \"id\": \"local\", \"status\": \"pass\", \"summary\": \"Report saved in /home/alice/Documents by alice (Alice Example); srv01x is another host\","
  "      \"duration_ms\": 1, \"evidence\": {} }"
  "  ],"
  "  \"causes\": [ { \"id\": \"port-filtered\", \"confidence\": 0.8,"
  "                \"fixes\": [ { \"id\": \"open-firewall\", \"commands\": [ { \"step\": 1, \"shell\": \"powershell\","
  "                  \"command\": \"Test-NetConnection -ComputerName srv01.corp.example.com -Port 3389\" } ] } ] } ],"
  "  \"problems_found\": true"
  "}";

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonNode *
report_new (void)
{
  return parse (report_json);
}

static const char *
string_at (JsonNode   *root,
           const char *path)
{
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;
  JsonNode *node;
  static char *last;

  result = json_path_query (path, root, &error);
  g_assert_no_error (error);
  array = json_node_get_array (result);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  node = json_array_get_element (array, 0);
  g_free (last);
  last = JSON_NODE_HOLDS_NULL (node) ? NULL : g_strdup (json_node_get_string (node));
  return last;
}

/* Redaction ------------------------------------------------------------------ */

static void
test_redact (void)
{
  g_autoptr(JsonNode) report = report_new ();
  g_autoptr(JsonNode) pristine = report_new ();
  const char *user_names[] = { "/home/alice", "alice", "Alice Example", NULL };
  g_autoptr(JsonNode) redacted = rd_report_redact_with_names (report, user_names);
  g_autofree char *text = rd_json_to_string (redacted, FALSE);
  g_autofree char *folded = g_ascii_strdown (text, -1);

  /* The caller's report is untouched. */
  g_assert_true (json_node_equal (report, pristine));

  g_assert_cmpstr (string_at (redacted, "$.target.host"), ==, "redacted");
  g_assert_cmpstr (string_at (redacted, "$.target.display_host"), ==, "redacted");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_node_get_object (redacted), "target"),
                                               "port"), ==, 3389);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (redacted), "redacted"));

  g_assert_cmpstr (string_at (redacted, "$.checks[0].evidence.query"), ==, "redacted");
  g_assert_cmpstr (string_at (redacted, "$.checks[0].evidence.addresses[0].address"), ==, "redacted");
  g_assert_cmpstr (string_at (redacted, "$.checks[0].evidence.addresses[0].reverse"), ==, "redacted");
  g_assert_null (string_at (redacted, "$.checks[0].evidence.addresses[1].reverse"));
  g_assert_cmpstr (string_at (redacted, "$.checks[0].evidence.addresses[1].family"), ==, "ipv6");
  g_assert_cmpstr (string_at (redacted, "$.checks[0].summary"), ==, "redacted is redacted, redacted (0.10 ms)");
  g_assert_cmpstr (string_at (redacted, "$.checks[1].summary"), ==,
                   "Connection to [redacted]:3389 and redacted:3389 timed out.");
  g_assert_cmpstr (string_at (redacted, "$.checks[2].summary"), ==,
                   "The certificate is for redacted, not for the name you typed");
  g_assert_cmpstr (string_at (redacted, "$.checks[2].evidence.certificate.subject"), ==, "redacted");
  g_assert_cmpstr (string_at (redacted, "$.checks[2].evidence.certificate.san[1]"), ==, "redacted");
  /* A self-signed issuer is the subject: it goes as a whole. */
  g_assert_cmpstr (string_at (redacted, "$.checks[2].evidence.certificate.issuer"), ==, "redacted");
  g_assert_cmpstr (string_at (redacted, "$.checks[2].evidence.certificate.sha256"), ==, "redacted");
  /* Times, versions and statuses are what the help desk needs. */
  g_assert_cmpstr (string_at (redacted, "$.checks[2].evidence.certificate.not_after"), ==, "2027-01-01T10:00:00Z");
  g_assert_cmpstr (string_at (redacted, "$.checks[3].evidence.ntlm.os_version"), ==, "10.0.19045");
  g_assert_cmpstr (string_at (redacted, "$.checks[3].evidence.ntlm.nb_computer"), ==, "redacted");
  g_assert_cmpstr (string_at (redacted, "$.checks[3].evidence.ntlm.dns_tree"), ==, "redacted");
  g_assert_cmpstr (string_at (redacted, "$.checks[3].summary"), ==, "redacted answers: Windows 10.0.19045");
  g_assert_cmpstr (string_at (redacted, "$.checks[5].summary"), ==,
                   "Report saved in redacted/Documents by redacted (redacted); srv01x is another host");
  g_assert_cmpstr (string_at (redacted, "$.checks[4].evidence.gateway.host"), ==, "redacted");
  g_assert_cmpstr (string_at (redacted, "$.checks[4].evidence.routes[0].gateway"), ==, "redacted");
  g_assert_cmpstr (string_at (redacted, "$.checks[4].evidence.routes[0].interface"), ==, "tun0");
  g_assert_cmpstr (string_at (redacted, "$.checks[4].summary"), ==, "redacted answers as an RD Gateway");
  g_assert_cmpstr (string_at (redacted, "$.causes[0].fixes[0].commands[0].command"), ==,
                   "Test-NetConnection -ComputerName redacted -Port 3389");
  g_assert_cmpstr (string_at (redacted, "$.checks[1].status"), ==, "fail");
  g_assert_cmpstr (string_at (redacted, "$.causes[0].id"), ==, "port-filtered");
  g_assert_cmpstr (string_at (redacted, "$.tool.version"), ==, "0.1.0");

  /* Nothing is left anywhere, in any case. */
  g_assert_null (strstr (folded, "srv01.corp"));
  g_assert_null (strstr (folded, "example.com"));
  g_assert_null (strstr (folded, "192.0.2.10"));
  g_assert_null (strstr (folded, "2001:db8"));
  g_assert_null (strstr (folded, "alice"));
  g_assert_null (strstr (folded, "\"corp\""));
}

static void
test_redact_local_user (void)
{
  g_autofree char *summary = g_strdup_printf ("Saved as %s/x.rdp for %s", g_get_home_dir (), g_get_user_name ());
  g_autoptr(JsonNode) report = report_new ();
  g_autoptr(JsonNode) redacted = NULL;
  JsonObject *local;

  local = json_array_get_object_element (json_object_get_array_member (json_node_get_object (report), "checks"), 5);
  json_object_set_string_member (local, "summary", summary);
  redacted = rd_report_redact (report);
  /* Shorter login names would eat ordinary words, so they stay. */
  if (strlen (g_get_user_name ()) >= 3)
    g_assert_cmpstr (string_at (redacted, "$.checks[5].summary"), ==, "Saved as redacted/x.rdp for redacted");
  else
    g_assert_true (g_str_has_prefix (string_at (redacted, "$.checks[5].summary"), "Saved as redacted/x.rdp for "));
}

/* The test server ------------------------------------------------------------ */

typedef enum
{
  ANSWER_ACCEPT,    /* 201 */
  ANSWER_FAIL,      /* 500 */
  ANSWER_SILENT,    /* never answers */
} Answer;

typedef struct
{
  GTlsCertificate *certificate;
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  SoupServer      *server;

  GMutex           mutex;
  GCond            cond;
  gboolean         ready;
  char            *endpoint;
  Answer           answer;
  guint            requests;
  GPtrArray       *bodies;     /* GBytes, in the order received */
  char            *method;
  char            *content_type;
} TestServer;

static char *certificate_dir;

static void
server_handler (SoupServer        *server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  TestServer *ts = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  const char *content_type;
  Answer answer;

  g_mutex_lock (&ts->mutex);
  ts->requests++;
  g_ptr_array_add (ts->bodies, soup_message_body_flatten (body));
  g_free (ts->method);
  ts->method = g_strdup (soup_server_message_get_method (message));
  content_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (message), NULL);
  g_free (ts->content_type);
  ts->content_type = g_strdup (content_type);
  answer = ts->answer;
  g_mutex_unlock (&ts->mutex);

  switch (answer)
    {
    case ANSWER_ACCEPT:
      soup_server_message_set_status (message, SOUP_STATUS_CREATED, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
      break;
    case ANSWER_FAIL:
      soup_server_message_set_status (message, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC, "broken", 6);
      break;
    case ANSWER_SILENT:
    default:
      soup_server_message_pause (message);
      break;
    }
}

static gpointer
server_thread (gpointer data)
{
  TestServer *ts = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (ts->context);
  ts->server = soup_server_new ("tls-certificate", ts->certificate, NULL);
  soup_server_add_handler (ts->server, NULL, server_handler, ts, NULL);
  soup_server_listen_local (ts->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (ts->server);
  g_assert_nonnull (uris);

  g_mutex_lock (&ts->mutex);
  ts->endpoint = g_strdup_printf ("https://127.0.0.1:%d/reports", g_uri_get_port (uris->data));
  ts->ready = TRUE;
  g_cond_signal (&ts->cond);
  g_mutex_unlock (&ts->mutex);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (ts->loop);

  soup_server_disconnect (ts->server);
  g_clear_object (&ts->server);
  while (g_main_context_iteration (ts->context, FALSE))
    ;
  g_main_context_pop_thread_default (ts->context);
  return NULL;
}

static TestServer *
test_server_start (const char *certificate_name,
                   Answer      answer)
{
  TestServer *ts = g_new0 (TestServer, 1);
  g_autofree char *cert_file = g_strdup_printf ("%s/%s.pem", certificate_dir, certificate_name);
  g_autofree char *key_file = g_strdup_printf ("%s/%s.key", certificate_dir, certificate_name);
  g_autoptr(GError) error = NULL;

  ts->certificate = g_tls_certificate_new_from_files (cert_file, key_file, &error);
  g_assert_no_error (error);
  ts->context = g_main_context_new ();
  ts->loop = g_main_loop_new (ts->context, FALSE);
  ts->answer = answer;
  ts->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_mutex_init (&ts->mutex);
  g_cond_init (&ts->cond);

  ts->thread = g_thread_new ("test-server", server_thread, ts);
  g_mutex_lock (&ts->mutex);
  while (!ts->ready)
    g_cond_wait (&ts->cond, &ts->mutex);
  g_mutex_unlock (&ts->mutex);
  return ts;
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_server_stop (TestServer *ts)
{
  g_main_context_invoke (ts->context, quit_loop_cb, ts->loop);
  g_thread_join (ts->thread);
  g_main_loop_unref (ts->loop);
  g_main_context_unref (ts->context);
  g_object_unref (ts->certificate);
  g_ptr_array_unref (ts->bodies);
  g_mutex_clear (&ts->mutex);
  g_cond_clear (&ts->cond);
  g_free (ts->endpoint);
  g_free (ts->method);
  g_free (ts->content_type);
  g_free (ts);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, test_server_stop)

static void
test_server_set_answer (TestServer *ts,
                        Answer      answer)
{
  g_mutex_lock (&ts->mutex);
  ts->answer = answer;
  g_mutex_unlock (&ts->mutex);
}

static guint
test_server_get_requests (TestServer *ts)
{
  guint requests;

  g_mutex_lock (&ts->mutex);
  requests = ts->requests;
  g_mutex_unlock (&ts->mutex);
  return requests;
}

static GBytes *
test_server_get_body (TestServer *ts,
                      guint       index)
{
  GBytes *body;

  g_mutex_lock (&ts->mutex);
  g_assert_cmpuint (index, <, ts->bodies->len);
  body = g_bytes_ref (g_ptr_array_index (ts->bodies, index));
  g_mutex_unlock (&ts->mutex);
  return body;
}

/* The client side ------------------------------------------------------------ */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  guint     n_sent;
  GError   *error;
  GArray   *stages;
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_clear_error (&outcome->error);
  g_clear_pointer (&outcome->stages, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Outcome, outcome_clear)

static void
progress_cb (RdReportSender *sender,
             guint           stage,
             double          fraction,
             Outcome        *outcome)
{
  g_assert_cmpfloat (fraction, >=, 0.0);
  g_assert_cmpfloat (fraction, <=, 1.0);
  if (outcome->stages->len == 0 || g_array_index (outcome->stages, guint, outcome->stages->len - 1) != stage)
    g_array_append_val (outcome->stages, stage);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = rd_report_sender_send_finish (RD_REPORT_SENDER (object), result, &outcome->error);
  outcome->done = TRUE;
}

static void
flushed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = rd_report_sender_flush_outbox_finish (RD_REPORT_SENDER (object), result,
                                                      &outcome->n_sent, &outcome->error);
  outcome->done = TRUE;
}

static RdReportSender *
sender_new (const char *endpoint)
{
  g_autofree char *ca_file = g_build_filename (certificate_dir, "ca.pem", NULL);
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  RdReportSender *sender = rd_report_sender_new (endpoint);

  database = g_tls_file_database_new (ca_file, &error);
  g_assert_no_error (error);
  rd_report_sender_set_tls_database (sender, database);
  rd_report_sender_set_timeout (sender, 5);
  return sender;
}

static void
send_and_wait (RdReportSender *sender,
               JsonNode       *report,
               gboolean        redact,
               Outcome        *outcome)
{
  gulong handler;

  outcome->stages = g_array_new (FALSE, FALSE, sizeof (guint));
  handler = g_signal_connect (sender, "progress", G_CALLBACK (progress_cb), outcome);
  rd_report_sender_send_async (sender, report, redact, NULL, sent_cb, outcome);
  while (!outcome->done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (sender, handler);
}

static void
flush_and_wait (RdReportSender *sender,
                Outcome        *outcome)
{
  rd_report_sender_flush_outbox_async (sender, NULL, flushed_cb, outcome);
  while (!outcome->done)
    g_main_context_iteration (NULL, TRUE);
}

static guint
outbox_length (RdReportSender *sender)
{
  g_auto(GStrv) files = rd_report_sender_list_outbox (sender);

  return g_strv_length (files);
}

static gboolean
have_certificates (void)
{
  if (certificate_dir == NULL)
    {
      g_test_skip ("openssl could not make the test certificates");
      return FALSE;
    }
  return TRUE;
}

static void
test_no_endpoint (void)
{
  g_autoptr(RdReportSender) sender = NULL;
  g_autoptr(JsonNode) report = report_new ();
  g_auto(Outcome) outcome = { 0, };

  sender = rd_report_sender_new ("");
  send_and_wait (sender, report, FALSE, &outcome);
  g_assert_false (outcome.ok);
  g_assert_error (outcome.error, RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_NO_ENDPOINT);
  g_assert_cmpuint (outbox_length (sender), ==, 0);
  g_clear_object (&sender);
  outcome_clear (&outcome);
  outcome = (Outcome) { 0, };

  sender = rd_report_sender_new ("http://127.0.0.1:1/reports");
  send_and_wait (sender, report, FALSE, &outcome);
  g_assert_error (outcome.error, RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_INVALID_ENDPOINT);
  g_assert_nonnull (strstr (outcome.error->message, "https://"));
  g_assert_cmpuint (outbox_length (sender), ==, 0);
}

static void
test_accepted (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(RdReportSender) sender = NULL;
  g_autoptr(JsonNode) report = report_new ();
  g_autoptr(JsonNode) received = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *expected_text = rd_json_to_string (report, TRUE);
  g_autofree char *default_outbox = g_build_filename (g_get_user_data_dir (), "rdp-doctor", "outbox", NULL);
  g_autofree char *body_text = NULL;
  g_auto(Outcome) outcome = { 0, };
  const guint expected_stages[] = {
    RD_REPORT_SEND_STAGE_SAVED, RD_REPORT_SEND_STAGE_CONNECTING, RD_REPORT_SEND_STAGE_SENDING,
    RD_REPORT_SEND_STAGE_WAITING, RD_REPORT_SEND_STAGE_DONE,
  };

  if (!have_certificates ())
    return;
  server = test_server_start ("good", ANSWER_ACCEPT);
  sender = sender_new (server->endpoint);
  g_assert_cmpstr (rd_report_sender_get_outbox_dir (sender), ==, default_outbox);

  send_and_wait (sender, report, FALSE, &outcome);
  g_assert_no_error (outcome.error);
  g_assert_true (outcome.ok);

  /* Exactly the report, as JSON, once. */
  g_assert_cmpuint (test_server_get_requests (server), ==, 1);
  g_assert_cmpstr (server->method, ==, "POST");
  g_assert_cmpstr (server->content_type, ==, "application/json");
  body = test_server_get_body (server, 0);
  body_text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_cmpstr (body_text, ==, expected_text);
  received = parse (body_text);
  g_assert_true (json_node_equal (received, report));

  /* Accepted: it left the outbox. */
  g_assert_cmpuint (outbox_length (sender), ==, 0);
  g_assert_cmpmem (outcome.stages->data, outcome.stages->len * sizeof (guint),
                   expected_stages, sizeof expected_stages);
}

static void
test_redacted (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(RdReportSender) sender = NULL;
  g_autoptr(JsonNode) report = report_new ();
  g_autoptr(JsonNode) received = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *body_text = NULL;
  g_auto(Outcome) outcome = { 0, };

  if (!have_certificates ())
    return;
  server = test_server_start ("good", ANSWER_ACCEPT);
  sender = sender_new (server->endpoint);
  send_and_wait (sender, report, TRUE, &outcome);
  g_assert_no_error (outcome.error);

  body = test_server_get_body (server, 0);
  body_text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_null (strstr (body_text, "srv01.corp"));
  g_assert_null (strstr (body_text, "SRV01"));
  g_assert_null (strstr (body_text, "192.0.2.10"));
  received = parse (body_text);
  g_assert_cmpstr (string_at (received, "$.target.host"), ==, "redacted");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (received), "redacted"));
}

static void
test_server_error (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(RdReportSender) sender = NULL;
  g_autoptr(JsonNode) report = report_new ();
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_auto(GStrv) files = NULL;
  g_auto(Outcome) outcome = { 0, };
  g_auto(Outcome) flushed = { 0, };
  struct stat info;

  if (!have_certificates ())
    return;
  server = test_server_start ("good", ANSWER_FAIL);
  sender = sender_new (server->endpoint);

  send_and_wait (sender, report, FALSE, &outcome);
  g_assert_false (outcome.ok);
  g_assert_error (outcome.error, RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_HTTP);
  g_assert_nonnull (strstr (outcome.error->message, "500 Internal Server Error"));
  g_assert_cmpuint (test_server_get_requests (server), ==, 1);

  /* Kept, privately. */
  files = rd_report_sender_list_outbox (sender);
  g_assert_cmpuint (g_strv_length (files), ==, 1);
  g_assert_true (g_str_has_suffix (files[0], ".json"));
  g_assert_cmpint (g_stat (files[0], &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (rd_report_sender_get_outbox_dir (sender), &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0700);

  /* Later, the server works again: the flush delivers the same report. */
  test_server_set_answer (server, ANSWER_ACCEPT);
  flush_and_wait (sender, &flushed);
  g_assert_no_error (flushed.error);
  g_assert_true (flushed.ok);
  g_assert_cmpuint (flushed.n_sent, ==, 1);
  g_assert_cmpuint (outbox_length (sender), ==, 0);
  g_assert_cmpuint (test_server_get_requests (server), ==, 2);
  first = test_server_get_body (server, 0);
  second = test_server_get_body (server, 1);
  g_assert_true (g_bytes_equal (first, second));
}

static void
test_timeout (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(RdReportSender) sender = NULL;
  g_autoptr(JsonNode) report = report_new ();
  g_auto(Outcome) outcome = { 0, };
  gint64 started;

  if (!have_certificates ())
    return;
  server = test_server_start ("good", ANSWER_SILENT);
  sender = sender_new (server->endpoint);
  rd_report_sender_set_timeout (sender, 1);

  started = g_get_monotonic_time ();
  send_and_wait (sender, report, FALSE, &outcome);
  g_assert_error (outcome.error, RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (outcome.error->message, "within 1 second"));
  g_assert_cmpint (g_get_monotonic_time () - started, <, 4 * G_USEC_PER_SEC);
  g_assert_cmpuint (outbox_length (sender), ==, 1);
}

static void
assert_refused (const char *certificate_name,
                const char *reason)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(RdReportSender) sender = NULL;
  g_autoptr(JsonNode) report = report_new ();
  g_auto(Outcome) outcome = { 0, };

  if (!have_certificates ())
    return;
  server = test_server_start (certificate_name, ANSWER_ACCEPT);
  sender = sender_new (server->endpoint);

  send_and_wait (sender, report, FALSE, &outcome);
  g_assert_false (outcome.ok);
  g_assert_error (outcome.error, RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_CERTIFICATE);
  g_test_message ("%s", outcome.error->message);
  g_assert_nonnull (strstr (outcome.error->message, reason));
  g_assert_nonnull (strstr (outcome.error->message, "Nothing was sent"));
  g_assert_cmpuint (test_server_get_requests (server), ==, 0);
  g_assert_cmpuint (outbox_length (sender), ==, 1);
}

static void
test_wrong_name (void)
{
  assert_refused ("wrong-name", "issued for another name than “127.0.0.1”");
}

static void
test_untrusted (void)
{
  assert_refused ("untrusted", "not signed by an authority this computer trusts");
}

static void
test_flush_empty (void)
{
  g_autoptr(RdReportSender) sender = rd_report_sender_new (NULL);
  g_auto(Outcome) outcome = { 0, };

  /* Nothing waiting: no endpoint is needed. */
  flush_and_wait (sender, &outcome);
  g_assert_no_error (outcome.error);
  g_assert_true (outcome.ok);
  g_assert_cmpuint (outcome.n_sent, ==, 0);
}

/* Certificates --------------------------------------------------------------- */

static gboolean
run_openssl (const char *dir,
             const char *first_arg,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *errors = NULL;
  const char *arg;
  va_list args;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "openssl");
  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &errors, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("# openssl %s: %s\n%s", first_arg, error->message, errors != NULL ? errors : "");
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_leaf (const char *dir,
           const char *name,
           const char *common_name,
           const char *subject_alt_name)
{
  g_autofree char *subject = g_strdup_printf ("/CN=%s", common_name);
  g_autofree char *extensions = g_strdup_printf ("subjectAltName=%s\n"
                                                 "basicConstraints=CA:FALSE\n"
                                                 "keyUsage=digitalSignature\n"
                                                 "extendedKeyUsage=serverAuth\n", subject_alt_name);
  g_autofree char *extensions_file = g_strdup_printf ("%s/%s.ext", dir, name);
  g_autofree char *key = g_strdup_printf ("%s.key", name);
  g_autofree char *request = g_strdup_printf ("%s.csr", name);
  g_autofree char *certificate = g_strdup_printf ("%s.pem", name);
  g_autofree char *extensions_name = g_strdup_printf ("%s.ext", name);

  g_assert_true (g_file_set_contents (extensions_file, extensions, -1, NULL));
  return run_openssl (dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                      "-keyout", key, "-out", request, "-subj", subject, NULL) &&
         run_openssl (dir, "x509", "-req", "-in", request, "-CA", "ca.pem", "-CAkey", "ca.key",
                      "-CAcreateserial", "-days", "2", "-extfile", extensions_name, "-out", certificate, NULL);
}

static char *
make_certificates (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rd-report-sender-XXXXXX", NULL);

  g_assert_nonnull (dir);
  if (!run_openssl (dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=RDP Doctor test authority",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL) ||
      !make_leaf (dir, "good", "127.0.0.1", "IP:127.0.0.1") ||
      !make_leaf (dir, "wrong-name", "wrong.example", "DNS:wrong.example") ||
      !run_openssl (dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "untrusted.key", "-out", "untrusted.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", NULL))
    return NULL;
  return g_steal_pointer (&dir);
}

static void
remove_certificates (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* Only 127.0.0.1, never through a proxy. */
  g_unsetenv ("http_proxy");
  g_unsetenv ("https_proxy");
  g_unsetenv ("HTTPS_PROXY");
  g_unsetenv ("all_proxy");
  g_unsetenv ("ALL_PROXY");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  certificate_dir = make_certificates ();

  g_test_add_func ("/Rd/Engine/Report/redact", test_redact);
  g_test_add_func ("/Rd/Engine/Report/redact-local-user", test_redact_local_user);
  g_test_add_func ("/Rd/Engine/ReportSender/no-endpoint", test_no_endpoint);
  g_test_add_func ("/Rd/Engine/ReportSender/accepted", test_accepted);
  g_test_add_func ("/Rd/Engine/ReportSender/redacted", test_redacted);
  g_test_add_func ("/Rd/Engine/ReportSender/server-error", test_server_error);
  g_test_add_func ("/Rd/Engine/ReportSender/timeout", test_timeout);
  g_test_add_func ("/Rd/Engine/ReportSender/wrong-name", test_wrong_name);
  g_test_add_func ("/Rd/Engine/ReportSender/untrusted", test_untrusted);
  g_test_add_func ("/Rd/Engine/ReportSender/flush-empty", test_flush_empty);

  status = g_test_run ();
  if (certificate_dir != NULL)
    remove_certificates (certificate_dir);
  g_free (certificate_dir);
  return status;
}
