/* rd-negotiation-check.c: which RDP security protocols the server accepts, and
 * why it refuses the others
 *
 * Each offer is a connection of its own, all at once; the first goes on the
 * connection the tcp check opened. An offer is accepted only when
 * the server selects exactly the protocol it tests: selecting another one (TLS
 * when CredSSP was offered) is a refusal of that protocol, however politely
 * made — the point nmap's rdp-enum-encryption gets wrong (rdp-facts.md §2).
 *
 * The connections it opens are also the samples of how steady the path is:
 * one that does not open, or opens far slower than the others, is the packet
 * loss or jitter behind intermittent failures (rdp-facts.md §3.12). Every
 * connection the server put in TLS mode is handed on, so that the tls check
 * can try its versions without connecting again.
 *
 * When Standard RDP Security is accepted, the same connection goes on to the
 * MCS Connect Initial with every encryption method offered: the one Connect
 * Response tells the encryption level and method, the server's RDP version and
 * its certificate type, what nmap's rdp-enum-encryption needs four more
 * connections for (rdp-facts.md §1.4, §2).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-negotiation-check"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-dns-check.h"
#include "rd-mcs.h"
#include "rd-negotiation-check.h"
#include "rd-net.h"
#include "rd-rdp-connection.h"
#include "rd-target.h"
#include "rd-tcp-check.h"
#include "rd-worker.h"

struct _RdNegotiationCheck
{
  RdCheck parent_instance;
};

G_DEFINE_FINAL_TYPE (RdNegotiationCheck, rd_negotiation_check, RD_TYPE_CHECK)

typedef struct
{
  const char *key;         /* report key */
  guint32     tests;       /* the protocol this offer tests */
  guint32     requested;   /* what is offered: as clients do, CredSSP goes with TLS */
} Offer;

static const Offer offers[] = {
  { "rdp",       RD_PROTOCOL_RDP,       RD_PROTOCOL_RDP },
  { "ssl",       RD_PROTOCOL_SSL,       RD_PROTOCOL_SSL },
  { "hybrid",    RD_PROTOCOL_HYBRID,    RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID },
  { "rdstls",    RD_PROTOCOL_RDSTLS,    RD_PROTOCOL_RDSTLS },
  { "hybrid_ex", RD_PROTOCOL_HYBRID_EX, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX },
  { "rdsaad",    RD_PROTOCOL_RDSAAD,    RD_PROTOCOL_RDSAAD },
};

typedef enum
{
  OUTCOME_SELECTED,        /* a Confirm with RDP_NEG_RSP */
  OUTCOME_FAILURE,         /* a Confirm with RDP_NEG_FAILURE */
  OUTCOME_LEGACY,          /* a Confirm without negotiation data */
  OUTCOME_NO_CONNECTION,   /* TCP did not open */
  OUTCOME_CLOSED,
  OUTCOME_RESET,
  OUTCOME_TIMEOUT,
  OUTCOME_INVALID,
  OUTCOME_CANCELLED,
  OUTCOME_DISCONNECT,      /* an X.224 disconnect instead of a Confirm: refused */
} Outcome;

static const char * const outcome_names[] = {
  "selected", "failure", "legacy", "no-connection", "closed", "reset", "timeout", "invalid", "cancelled",
  "disconnect",
};

/* A handshake slower than this many times the median, and than this absolute
 * time, makes the path look unsteady. */
#define SLOW_FACTOR 5.0
#define SLOW_FLOOR_MS 200.0

/* An MCS Connect Response with an X.509 chain is a few kilobytes; a TPKT is
 * at most 64 KiB. */
#define MAX_CONNECT_RESPONSE_LENGTH G_MAXUINT16

/* What became of the MCS Connect Initial sent after Standard RDP Security was
 * accepted: recorded, never a failure of the negotiation. */
typedef enum
{
  MCS_NOT_TRIED,
  MCS_ANSWERED,
  MCS_REFUSED,     /* a Connect Response whose result is not rt-successful */
  MCS_CLOSED,
  MCS_RESET,
  MCS_TIMEOUT,
  MCS_INVALID,
  MCS_CANCELLED,
} McsOutcome;

static const char * const mcs_outcome_names[] = {
  "not-tried", "answered", "refused", "closed", "reset", "timeout", "invalid", "cancelled",
};

typedef struct
{
  const Offer     *offer;
  GSocketAddress  *address;
  GSocket         *socket;       /* already connected (the tcp check's), or NULL */
  gint64           deadline;
  GCancellable    *cancellable;
  /* results */
  Outcome          outcome;
  RdX224Confirm    confirm;
  RdRdpConnection *connection;
  char            *error;
  double           ms;
  gboolean         connected;    /* this probe opened a connection of its own */
  double           connect_ms;   /* and the TCP handshake took this long */
  /* the MCS exchange after an accepted "rdp" offer */
  McsOutcome           mcs_outcome;
  RdMcsConnectResponse mcs;
  char                *mcs_error;
  double               mcs_ms;
} Probe;

static gboolean probe_accepted (const Probe *probe);

static McsOutcome
mcs_outcome_for_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return MCS_CANCELLED;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return MCS_TIMEOUT;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    return MCS_RESET;
  return MCS_INVALID;
}

/* On the connection that accepted Standard RDP Security: the Connect
 * Initial, and the Connect Response read before the probe's deadline. */
static void
probe_security_settings (Probe *probe)
{
  GSocket *socket = rd_rdp_connection_get_socket (probe->connection);
  g_autofree guint8 *buffer = g_malloc (MAX_CONNECT_RESPONSE_LENGTH);
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GError) error = NULL;
  RdMcsConnectInitial initial;
  gint64 started = g_get_monotonic_time ();
  gssize pdu_length = 0;
  gsize have = 0;

  rd_mcs_connect_initial_init_probe (&initial, RD_PROTOCOL_RDP);
  request = rd_mcs_encode_connect_initial (&initial);
  rd_mcs_connect_initial_clear (&initial);

  if (!rd_net_write_all (socket, g_bytes_get_data (request, NULL), g_bytes_get_size (request),
                         probe->deadline, probe->cancellable, &error))
    goto failed;

  while (pdu_length == 0 || have < (gsize) pdu_length)
    {
      gssize n = rd_net_read_some (socket, buffer + have,
                                   (pdu_length > 0 ? (gsize) pdu_length : MAX_CONNECT_RESPONSE_LENGTH) - have,
                                   probe->deadline, probe->cancellable, &error);

      if (n < 0)
        goto failed;
      if (n == 0)
        {
          probe->mcs_outcome = MCS_CLOSED;
          probe->mcs_error = g_strdup (have == 0 ? "the server closed the connection instead of answering the MCS Connect Initial"
                                                 : "the server closed the connection in the middle of its MCS Connect Response");
          goto done;
        }
      have += (gsize) n;
      if (pdu_length == 0)
        {
          pdu_length = rd_tpkt_get_pdu_length (buffer, have, MAX_CONNECT_RESPONSE_LENGTH, &error);
          if (pdu_length < 0)
            goto failed;
          if (pdu_length > 0 && have > (gsize) pdu_length)
            have = (gsize) pdu_length;  /* what follows is not ours to read */
        }
    }

  if (!rd_mcs_decode_connect_response (buffer, have, &probe->mcs, &error))
    goto failed;
  probe->mcs_outcome = probe->mcs.result == RD_MCS_RESULT_SUCCESSFUL && probe->mcs.has_user_data
                         ? MCS_ANSWERED : MCS_REFUSED;
  if (probe->mcs_outcome == MCS_REFUSED)
    probe->mcs_error = g_strdup_printf ("the server refused the MCS connection (result %u)", probe->mcs.result);
  goto done;

failed:
  probe->mcs_outcome = mcs_outcome_for_error (error);
  probe->mcs_error = g_strdup (error->message);
done:
  probe->mcs_ms = (double) (g_get_monotonic_time () - started) / 1000.0;
}

static void
probe_thread (gpointer data,
              gpointer unused)
{
  Probe *probe = data;
  gint64 started = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;

  if (probe->socket != NULL)
    {
      probe->connection = rd_rdp_connection_new (probe->socket);
    }
  else
    {
      RdConnectOutcome connected;

      rd_net_connect_all (&probe->address, 1, probe->deadline, TRUE, probe->cancellable, &connected);
      probe->connect_ms = connected.connect_ms;
      if (connected.state != RD_TCP_OPEN)
        {
          probe->outcome = g_cancellable_is_cancelled (probe->cancellable) ? OUTCOME_CANCELLED : OUTCOME_NO_CONNECTION;
          probe->error = g_strdup (connected.error != NULL ? connected.error : rd_tcp_state_to_string (connected.state));
          rd_connect_outcome_clear (&connected);
          return;
        }
      probe->connected = TRUE;
      probe->connection = rd_rdp_connection_new (connected.socket);
      rd_connect_outcome_clear (&connected);
    }

  if (rd_rdp_connection_negotiate (probe->connection, probe->offer->requested, probe->deadline,
                                   probe->cancellable, &probe->confirm, &error))
    {
      probe->outcome = probe->confirm.kind == RD_X224_CONFIRM_RESPONSE ? OUTCOME_SELECTED
                       : probe->confirm.kind == RD_X224_CONFIRM_FAILURE ? OUTCOME_FAILURE
                       : OUTCOME_LEGACY;
      probe->ms = (double) (g_get_monotonic_time () - started) / 1000.0;
      if (probe->offer->tests == RD_PROTOCOL_RDP && probe_accepted (probe))
        probe_security_settings (probe);
      return;
    }
  else
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        probe->outcome = OUTCOME_CANCELLED;
      else if (g_error_matches (error, RD_RDP_ERROR, RD_RDP_ERROR_CLOSED))
        probe->outcome = OUTCOME_CLOSED;
      else if (g_error_matches (error, RD_RDP_ERROR, RD_RDP_ERROR_RESET))
        probe->outcome = OUTCOME_RESET;
      else if (g_error_matches (error, RD_RDP_ERROR, RD_RDP_ERROR_TIMEOUT))
        probe->outcome = OUTCOME_TIMEOUT;
      else if (g_error_matches (error, RD_RDP_ERROR, RD_RDP_ERROR_REFUSED))
        probe->outcome = OUTCOME_DISCONNECT;
      else
        probe->outcome = OUTCOME_INVALID;
      probe->error = g_strdup (error->message);
      g_clear_object (&probe->connection);
    }
  probe->ms = (double) (g_get_monotonic_time () - started) / 1000.0;
}

static gboolean
probe_accepted (const Probe *probe)
{
  if (probe->outcome == OUTCOME_SELECTED)
    return probe->confirm.selected_protocol == probe->offer->tests;
  /* a bare Confirm: an old server that knows only Standard RDP Security */
  if (probe->outcome == OUTCOME_LEGACY)
    return probe->offer->tests == RD_PROTOCOL_RDP;
  return FALSE;
}

static gboolean
probe_answered (const Probe *probe)
{
  return probe->outcome == OUTCOME_SELECTED || probe->outcome == OUTCOME_FAILURE ||
         probe->outcome == OUTCOME_LEGACY || probe->outcome == OUTCOME_DISCONNECT;
}

static const char *
protocol_for_people (const char *key)
{
  if (g_str_equal (key, "rdp"))
    return _("Standard RDP Security");
  if (g_str_equal (key, "ssl"))
    return _("TLS");
  if (g_str_equal (key, "hybrid"))
    return _("NLA (CredSSP)");
  if (g_str_equal (key, "hybrid_ex"))
    return _("NLA with early authorization");
  if (g_str_equal (key, "rdstls"))
    return _("RDSTLS");
  return _("Microsoft Entra ID sign-in");
}

static void
set_name_or_int (JsonObject *object,
                 const char *member,
                 const char *name,
                 guint32     value)
{
  if (name != NULL)
    json_object_set_string_member (object, member, name);
  else
    json_object_set_int_member (object, member, value);
}

/* Which of the four methods the server would use. Per MS-RDPBCGR 5.3.6 each
 * level allows a set of methods, and per 5.3.2.1 a server at Low or Client
 * Compatible picks the highest the client offers. When the one method it
 * picked from all four is the one the level says, the level tells the rest;
 * when not (xrdp picks 40-bit at Low and Client Compatible), only the method
 * it picked is known. */
static const char *
infer_methods (const RdMcsConnectResponse *mcs,
               JsonObject                 *methods)
{
  static const struct { const char *key; guint32 method; } all[] = {
    { "40bit", RD_ENCRYPTION_METHOD_40BIT },
    { "56bit", RD_ENCRYPTION_METHOD_56BIT },
    { "128bit", RD_ENCRYPTION_METHOD_128BIT },
    { "fips", RD_ENCRYPTION_METHOD_FIPS },
  };
  guint32 expected;
  gboolean by_level = rd_encryption_level_to_string (mcs->encryption_level) != NULL &&
                      rd_encryption_level_expected_method (mcs->encryption_level, RD_ENCRYPTION_METHODS_ALL,
                                                           &expected) &&
                      expected == mcs->encryption_method;
  guint32 allowed = rd_encryption_level_allowed_methods (mcs->encryption_level);

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      if (by_level)
        json_object_set_boolean_member (methods, all[i].key, (allowed & all[i].method) != 0);
      else if (mcs->encryption_method == all[i].method)
        json_object_set_boolean_member (methods, all[i].key, TRUE);
      else
        json_object_set_null_member (methods, all[i].key);
    }
  return by_level ? "encryption_level" : "encryption_method";
}

/* "rdp_security": what the MCS Connect Response said about Standard RDP
 * Security, or why there is none. */
static JsonObject *
security_to_json (const Probe *probe)
{
  const RdMcsConnectResponse *mcs = &probe->mcs;
  JsonObject *object = json_object_new ();
  JsonObject *methods = json_object_new ();
  gboolean answered = probe->mcs_outcome == MCS_ANSWERED;

  json_object_set_string_member (object, "outcome", mcs_outcome_names[probe->mcs_outcome]);
  if (answered)
    {
      g_autofree char *version = g_strdup_printf ("0x%08x", mcs->version);
      const char *certificate = mcs->server_cert_length == 0 ? NULL
                                : mcs->cert_version == RD_CERT_CHAIN_VERSION_1 ? "proprietary"
                                : mcs->cert_version == RD_CERT_CHAIN_VERSION_2 ? "x509"
                                : "unknown";

      set_name_or_int (object, "encryption_level",
                       rd_encryption_level_to_string (mcs->encryption_level), mcs->encryption_level);
      set_name_or_int (object, "encryption_method",
                       rd_encryption_method_to_string (mcs->encryption_method), mcs->encryption_method);
      json_object_set_string_member (object, "methods_inferred_from", infer_methods (mcs, methods));
      json_object_set_object_member (object, "methods", methods);
      json_object_set_string_member (object, "server_version", version);
      if (rd_rdp_version_to_string (mcs->version) != NULL)
        json_object_set_string_member (object, "server_version_name", rd_rdp_version_to_string (mcs->version));
      else
        json_object_set_null_member (object, "server_version_name");
      if (mcs->has_client_requested_protocols)
        json_object_set_int_member (object, "client_requested_protocols", mcs->client_requested_protocols);
      else
        json_object_set_null_member (object, "client_requested_protocols");
      if (mcs->has_early_capability_flags)
        json_object_set_int_member (object, "early_capability_flags", mcs->early_capability_flags);
      else
        json_object_set_null_member (object, "early_capability_flags");
      if (certificate != NULL)
        json_object_set_string_member (object, "certificate", certificate);
      else
        json_object_set_null_member (object, "certificate");
      json_object_set_int_member (object, "server_random_length", mcs->server_random_length);
      json_object_set_int_member (object, "certificate_length", mcs->server_cert_length);
      if (mcs->has_network)
        json_object_set_int_member (object, "mcs_channel_id", mcs->mcs_channel_id);
      else
        json_object_set_null_member (object, "mcs_channel_id");
    }
  else
    {
      json_object_unref (methods);
      json_object_set_null_member (object, "encryption_level");
      json_object_set_null_member (object, "encryption_method");
      json_object_set_null_member (object, "methods_inferred_from");
      json_object_set_null_member (object, "methods");
      json_object_set_null_member (object, "server_version");
      json_object_set_null_member (object, "server_version_name");
      json_object_set_null_member (object, "certificate");
    }
  if (probe->mcs_error != NULL)
    json_object_set_string_member (object, "error", probe->mcs_error);
  else
    json_object_set_null_member (object, "error");
  json_object_set_double_member (object, "ms", probe->mcs_ms);
  return object;
}

static const char *
level_for_people (guint32 level)
{
  switch (level)
    {
    case RD_ENCRYPTION_LEVEL_NONE:
      return C_("encryption level", "None");
    case RD_ENCRYPTION_LEVEL_LOW:
      return C_("encryption level", "Low");
    case RD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE:
      return C_("encryption level", "Client Compatible");
    case RD_ENCRYPTION_LEVEL_HIGH:
      return C_("encryption level", "High");
    case RD_ENCRYPTION_LEVEL_FIPS:
      return C_("encryption level", "FIPS Compliant");
    default:
      return NULL;
    }
}

static const char *
method_for_people (guint32 method)
{
  switch (method)
    {
    case RD_ENCRYPTION_METHOD_NONE:
      return _("no encryption");
    case RD_ENCRYPTION_METHOD_40BIT:
      return _("40-bit RC4");
    case RD_ENCRYPTION_METHOD_56BIT:
      return _("56-bit RC4");
    case RD_ENCRYPTION_METHOD_128BIT:
      return _("128-bit RC4");
    case RD_ENCRYPTION_METHOD_FIPS:
      return _("FIPS 140-1 (Triple DES)");
    default:
      return NULL;
    }
}

/* The summary, with Standard RDP Security's settings when the server gave them */
static char *
add_security_for_people (char       *summary,
                         McsOutcome  outcome,
                         guint32     encryption_level,
                         guint32     encryption_method)
{
  const char *level, *method;
  char *longer;

  if (outcome != MCS_ANSWERED)
    return summary;
  level = level_for_people (encryption_level);
  method = method_for_people (encryption_method);
  if (level == NULL || method == NULL)
    return summary;

  /* Translators: the first %s is what the server accepts ("Accepts TLS and
   * Standard RDP Security"), the second the encryption level as Windows names it
   * ("High"), the third the encryption method ("128-bit RC4") */
  longer = g_strdup_printf (_("%s; Standard RDP Security: encryption level %s, %s"), summary, level, method);
  g_free (summary);
  return longer;
}

static JsonObject *
probe_to_json (const Probe *probe)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "protocol", probe->offer->key);
  json_object_set_int_member (object, "requested", probe->offer->requested);
  json_object_set_string_member (object, "outcome", outcome_names[probe->outcome]);
  if (probe->outcome == OUTCOME_SELECTED)
    {
      const char *selected = rd_protocol_to_string (probe->confirm.selected_protocol);
      if (selected != NULL)
        json_object_set_string_member (object, "selected", selected);
      else
        json_object_set_int_member (object, "selected", probe->confirm.selected_protocol);
    }
  if (probe->outcome == OUTCOME_FAILURE)
    {
      const char *failure = rd_neg_failure_to_string (probe->confirm.failure_code);
      if (failure != NULL)
        json_object_set_string_member (object, "failure", failure);
      else
        json_object_set_int_member (object, "failure", probe->confirm.failure_code);
    }
  if (probe->error != NULL)
    json_object_set_string_member (object, "error", probe->error);
  json_object_set_double_member (object, "ms", probe->ms);
  if (probe->outcome == OUTCOME_NO_CONNECTION || probe->connected)
    json_object_set_double_member (object, "connect_ms", probe->connect_ms);
  else
    json_object_set_null_member (object, "connect_ms");  /* the tcp check's connection */
  return object;
}

static char *
join_for_people (GPtrArray *keys)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < keys->len; i++)
    {
      if (i > 0)
        g_string_append (text, i + 1 == keys->len ? _(" and ") : ", ");
      g_string_append (text, protocol_for_people (g_ptr_array_index (keys, i)));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* How steady the path is, from the connections the offers opened: the psping
 * equivalent, for intermittent loss and jitter. */
static JsonObject *
measure_handshakes (const Probe *probes,
                    guint        n_probes,
                    guint       *n_attempts,
                    guint       *n_failed,
                    double      *median_ms,
                    double      *max_ms)
{
  JsonObject *object = json_object_new ();
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  *n_attempts = *n_failed = 0;
  for (guint i = 0; i < n_probes; i++)
    {
      if (probes[i].connected)
        g_array_append_val (times, probes[i].connect_ms);
      else if (probes[i].outcome == OUTCOME_NO_CONNECTION)
        (*n_failed)++;
      else
        continue;
      (*n_attempts)++;
    }

  json_object_set_int_member (object, "attempts", *n_attempts);
  json_object_set_int_member (object, "failed", *n_failed);
  *median_ms = *max_ms = 0;
  if (times->len > 0)
    {
      g_array_sort (times, compare_doubles);
      *median_ms = times->len % 2 == 1
                     ? g_array_index (times, double, times->len / 2)
                     : (g_array_index (times, double, times->len / 2 - 1) +
                        g_array_index (times, double, times->len / 2)) / 2.0;
      *max_ms = g_array_index (times, double, times->len - 1);
      json_object_set_double_member (object, "min_ms", g_array_index (times, double, 0));
      json_object_set_double_member (object, "median_ms", *median_ms);
      json_object_set_double_member (object, "max_ms", *max_ms);
    }
  else
    {
      json_object_set_null_member (object, "min_ms");
      json_object_set_null_member (object, "median_ms");
      json_object_set_null_member (object, "max_ms");
    }
  return object;
}

/* The server answered by switching to TLS (whatever it chose for this offer):
 * the connection is waiting for a TLS handshake. */
static gboolean
probe_tls_ready (const Probe *probe)
{
  return probe->outcome == OUTCOME_SELECTED && probe->connection != NULL &&
         (probe->confirm.selected_protocol == RD_PROTOCOL_SSL ||
          probe->confirm.selected_protocol == RD_PROTOCOL_HYBRID ||
          probe->confirm.selected_protocol == RD_PROTOCOL_HYBRID_EX);
}

static RdCheckResult *
rd_negotiation_check_run (RdCheck        *check,
                          RdCheckContext *context,
                          GCancellable   *cancellable)
{
  RdTarget *target = rd_check_context_get_target (context);
  gint64 deadline = rd_check_context_get_deadline (context);
  g_autoptr(GPtrArray) addresses = rd_dns_check_get_socket_addresses (rd_check_context_get_result (context, "dns"),
                                                                      rd_target_get_port (target));
  g_autoptr(GPtrArray) accepted = g_ptr_array_new ();
  Probe probes[G_N_ELEMENTS (offers)] = { { 0, } };
  g_autoptr(RdWorkGroup) group = rd_work_group_new ();
  RdCheckResult *tcp = rd_check_context_get_result (context, "tcp");
  JsonObject *evidence = json_object_new ();
  JsonObject *protocols = json_object_new ();
  JsonObject *failure_codes = json_object_new ();
  JsonArray *flags = json_array_new ();
  JsonArray *details = json_array_new ();
  GSocketAddress *address = NULL;
  g_autoptr(GSocket) open_socket = rd_check_context_take_artifact (context, RD_ARTIFACT_OPEN_SOCKET);
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GListStore) spares = g_list_store_new (RD_TYPE_RDP_CONNECTION);
  JsonObject *handshakes;
  guint n_attempts, n_failed;
  double median_ms, max_ms;
  gboolean unsteady;
  Probe *handed_on = NULL;
  guint answered = 0, n_timeout = 0, n_closed = 0, n_invalid = 0, n_failure = 0;
  const char *first_error = NULL;
  gboolean legacy = FALSE;
  guint8 flag_bits = 0;
  McsOutcome rdp_outcome;
  guint32 rdp_level, rdp_method;
  RdCheckStatus status;
  char *summary;

  /* connect where the tcp check found the port open, first on its connection */
  if (open_socket != NULL)
    remote = g_socket_get_remote_address (open_socket, NULL);
  if (remote != NULL)
    address = remote;
  for (guint i = 0; i < addresses->len && address == NULL; i++)
    {
      JsonArray *states = json_object_get_array_member (rd_check_result_get_evidence (tcp), "addresses");
      if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (states, i), "state"), "open") == 0)
        address = g_ptr_array_index (addresses, i);
    }
  if (address == NULL)
    return rd_check_result_new_take ("negotiation", RD_CHECK_STATUS_ERROR,
                                     g_strdup (_("No open address to negotiate with")), evidence);

  for (guint i = 0; i < G_N_ELEMENTS (offers); i++)
    {
      probes[i].offer = &offers[i];
      probes[i].address = address;
      probes[i].socket = i == 0 && remote != NULL ? open_socket : NULL;
      probes[i].deadline = deadline - 50 * G_TIME_SPAN_MILLISECOND;
      probes[i].cancellable = cancellable;
      rd_work_group_run (group, probe_thread, &probes[i]);
    }
  rd_work_group_wait (group);

  for (guint i = 0; i < G_N_ELEMENTS (offers); i++)
    {
      Probe *probe = &probes[i];

      json_array_add_object_element (details, probe_to_json (probe));
      if (probe_answered (probe))
        {
          answered++;
          json_object_set_boolean_member (protocols, probe->offer->key, probe_accepted (probe));
        }
      else
        {
          json_object_set_null_member (protocols, probe->offer->key);
        }

      if (probe_accepted (probe))
        g_ptr_array_add (accepted, (gpointer) probe->offer->key);
      if (probe->outcome == OUTCOME_SELECTED)
        flag_bits |= probe->confirm.flags;
      if (probe->outcome == OUTCOME_LEGACY)
        legacy = TRUE;
      if (probe->outcome == OUTCOME_TIMEOUT)
        n_timeout++;
      if (probe->outcome == OUTCOME_CLOSED || probe->outcome == OUTCOME_RESET || probe->outcome == OUTCOME_INVALID)
        n_closed++;
      if (probe->outcome == OUTCOME_INVALID)
        n_invalid++;
      if (!probe_answered (probe) && first_error == NULL)
        first_error = probe->error;
      if (probe->outcome == OUTCOME_DISCONNECT)
        json_object_set_string_member (failure_codes, probe->offer->key, "DISCONNECT");
      if (probe->outcome == OUTCOME_FAILURE)
        {
          const char *name = rd_neg_failure_to_string (probe->confirm.failure_code);

          n_failure++;
          if (name != NULL)
            json_object_set_string_member (failure_codes, probe->offer->key, name);
          else
            json_object_set_int_member (failure_codes, probe->offer->key, probe->confirm.failure_code);
        }

      /* hand on the best connection that is now waiting for a TLS handshake */
      if (probe->outcome == OUTCOME_SELECTED && probe_accepted (probe) &&
          probe->offer->tests != RD_PROTOCOL_RDP && probe->offer->tests != RD_PROTOCOL_RDSTLS &&
          probe->offer->tests != RD_PROTOCOL_RDSAAD &&
          (handed_on == NULL || probe->offer->tests == RD_PROTOCOL_HYBRID))
        handed_on = probe;
    }

  {
    g_auto(GStrv) names = rd_neg_rsp_flags_to_strv (flag_bits);
    for (guint i = 0; names[i] != NULL; i++)
      json_array_add_string_element (flags, names[i]);
  }

  handshakes = measure_handshakes (probes, G_N_ELEMENTS (offers), &n_attempts, &n_failed, &median_ms, &max_ms);
  unsteady = n_failed > 0 ||
             (median_ms > 0 && max_ms > SLOW_FACTOR * median_ms && max_ms > SLOW_FLOOR_MS);

  json_object_set_object_member (evidence, "protocols", protocols);
  json_object_set_object_member (evidence, "failure_codes", failure_codes);
  json_object_set_array_member (evidence, "flags", flags);
  json_object_set_boolean_member (evidence, "legacy", legacy);
  json_object_set_int_member (evidence, "connections", n_attempts);
  json_object_set_object_member (evidence, "handshakes", handshakes);
  json_object_set_boolean_member (evidence, "unsteady", unsteady);
  if (answered < G_N_ELEMENTS (offers) && (n_timeout > 0 || n_closed > 0))
    json_object_set_string_member (evidence, "closed_at", "x224");
  else
    json_object_set_null_member (evidence, "closed_at");
  /* what went wrong with the first offer that got no answer */
  if (first_error != NULL)
    json_object_set_string_member (evidence, "error", first_error);
  json_object_set_array_member (evidence, "offers", details);
  if (probes[0].mcs_outcome != MCS_NOT_TRIED)
    json_object_set_object_member (evidence, "rdp_security", security_to_json (&probes[0]));
  else
    json_object_set_null_member (evidence, "rdp_security");

  if (handed_on != NULL)
    {
      json_object_set_string_member (evidence, "handed_on", handed_on->offer->key);
      rd_check_context_put_artifact (context, RD_ARTIFACT_TLS_READY_CONNECTION,
                                     G_OBJECT (g_steal_pointer (&handed_on->connection)));
    }
  for (guint i = 0; i < G_N_ELEMENTS (offers); i++)
    if (probe_tls_ready (&probes[i]))
      g_list_store_append (spares, probes[i].connection);
  if (g_list_model_get_n_items (G_LIST_MODEL (spares)) > 0)
    rd_check_context_put_artifact (context, RD_ARTIFACT_SPARE_TLS_CONNECTIONS,
                                   G_OBJECT (g_steal_pointer (&spares)));
  rdp_outcome = probes[0].mcs_outcome;
  rdp_level = probes[0].mcs.encryption_level;
  rdp_method = probes[0].mcs.encryption_method;
  for (guint i = 0; i < G_N_ELEMENTS (offers); i++)
    {
      g_clear_object (&probes[i].connection);
      g_free (probes[i].error);
      g_free (probes[i].mcs_error);
      rd_mcs_connect_response_clear (&probes[i].mcs);
    }

  if (g_cancellable_is_cancelled (cancellable))
    return rd_check_result_new_take ("negotiation", RD_CHECK_STATUS_ERROR, g_strdup (_("Cancelled")), evidence);

  if (answered == 0 && n_timeout > 0 && n_closed == 0)
    {
      status = RD_CHECK_STATUS_FAIL;
      summary = g_strdup (_("The server accepts connections but never answers the Remote Desktop request"));
    }
  else if (answered == 0 && n_invalid > 0 && n_invalid == n_closed && n_timeout == 0)
    {
      status = RD_CHECK_STATUS_FAIL;
      summary = g_strdup (_("The server answers the Remote Desktop request with something that is not a valid answer"));
    }
  else if (answered == 0)
    {
      status = RD_CHECK_STATUS_FAIL;
      summary = g_strdup (_("The server closes the connection as soon as a Remote Desktop request arrives"));
    }
  else if (accepted->len == 0)
    {
      status = RD_CHECK_STATUS_FAIL;
      summary = g_strdup (_("The server refuses every security protocol offered"));
    }
  else
    {
      g_autofree char *list = join_for_people (accepted);

      /* Standard RDP Security alone is what modern clients give up on */
      status = accepted->len == 1 && g_str_equal (g_ptr_array_index (accepted, 0), "rdp")
                 ? RD_CHECK_STATUS_WARN : RD_CHECK_STATUS_PASS;
      if (answered < G_N_ELEMENTS (offers))
        status = RD_CHECK_STATUS_WARN;
      summary = legacy ? g_strdup (_("Old server: it only knows Standard RDP Security"))
                       : g_strdup_printf (_("Accepts %s"), list);
      summary = add_security_for_people (summary, rdp_outcome, rdp_level, rdp_method);
    }

  /* the answers are in the evidence; an unsteady path is what to say first */
  if (status != RD_CHECK_STATUS_FAIL && unsteady)
    {
      g_autofree char *shown = g_inet_address_to_string (
        g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
      guint16 port = rd_target_get_port (target);

      g_free (summary);
      status = RD_CHECK_STATUS_WARN;
      if (n_failed > 0)
        {
          summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Port %u is open on %s, but %u of %u further connections failed",
                                                  "Port %u is open on %s, but %u of %u further connections failed",
                                                  n_failed),
                                     port, shown, n_failed, n_attempts);
        }
      else
        {
          g_autofree char *median_text = rd_format_ms (median_ms);
          g_autofree char *max_text = rd_format_ms (max_ms);

          summary = g_strdup_printf (_("Port %u is open on %s, but connecting took from %s to %s ms"),
                                     port, shown, median_text, max_text);
        }
    }

  return rd_check_result_new_take ("negotiation", status, summary, evidence);
}

static void
rd_negotiation_check_class_init (RdNegotiationCheckClass *klass)
{
  RD_CHECK_CLASS (klass)->run = rd_negotiation_check_run;
}

static void
rd_negotiation_check_init (RdNegotiationCheck *self)
{
}

RdCheck *
rd_negotiation_check_new (void)
{
  static const char * const dependencies[] = { "dns", "tcp", NULL };

  return g_object_new (RD_TYPE_NEGOTIATION_CHECK,
                       "id", "negotiation",
                       "title", _("Remote Desktop security negotiation"),
                       "dependencies", dependencies,
                       NULL);
}
