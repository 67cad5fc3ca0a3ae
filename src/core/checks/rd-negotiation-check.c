/* rd-negotiation-check.c: which RDP security protocols the server accepts, and
 * why it refuses the others
 *
 * Each offer is a fresh connection, all at once. An offer is accepted only when
 * the server selects exactly the protocol it tests: selecting another one (TLS
 * when CredSSP was offered) is a refusal of that protocol, however politely
 * made — the point nmap's rdp-enum-encryption gets wrong (rdp-facts.md §2).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-negotiation-check"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-dns-check.h"
#include "rd-negotiation-check.h"
#include "rd-net.h"
#include "rd-rdp-connection.h"
#include "rd-target.h"

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

typedef struct
{
  const Offer     *offer;
  GSocketAddress  *address;
  gint64           deadline;
  GCancellable    *cancellable;
  /* results */
  Outcome          outcome;
  RdX224Confirm    confirm;
  RdRdpConnection *connection;
  char            *error;
  double           ms;
} Probe;

static gpointer
probe_thread (gpointer data)
{
  Probe *probe = data;
  RdConnectOutcome connected;
  gint64 started = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;

  rd_net_connect_all (&probe->address, 1, probe->deadline, TRUE, probe->cancellable, &connected);
  if (connected.state != RD_TCP_OPEN)
    {
      probe->outcome = g_cancellable_is_cancelled (probe->cancellable) ? OUTCOME_CANCELLED : OUTCOME_NO_CONNECTION;
      probe->error = g_strdup (connected.error != NULL ? connected.error : rd_tcp_state_to_string (connected.state));
      rd_connect_outcome_clear (&connected);
      return NULL;
    }

  probe->connection = rd_rdp_connection_new (connected.socket);
  rd_connect_outcome_clear (&connected);

  if (rd_rdp_connection_negotiate (probe->connection, probe->offer->requested, probe->deadline,
                                   probe->cancellable, &probe->confirm, &error))
    {
      probe->outcome = probe->confirm.kind == RD_X224_CONFIRM_RESPONSE ? OUTCOME_SELECTED
                       : probe->confirm.kind == RD_X224_CONFIRM_FAILURE ? OUTCOME_FAILURE
                       : OUTCOME_LEGACY;
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
  return NULL;
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
  GThread *threads[G_N_ELEMENTS (offers)];
  RdCheckResult *tcp = rd_check_context_get_result (context, "tcp");
  JsonObject *evidence = json_object_new ();
  JsonObject *protocols = json_object_new ();
  JsonObject *failure_codes = json_object_new ();
  JsonArray *flags = json_array_new ();
  JsonArray *details = json_array_new ();
  GSocketAddress *address = NULL;
  Probe *handed_on = NULL;
  guint answered = 0, n_timeout = 0, n_closed = 0, n_invalid = 0, n_failure = 0;
  const char *first_error = NULL;
  gboolean legacy = FALSE;
  guint8 flag_bits = 0;
  RdCheckStatus status;
  char *summary;

  /* connect where the tcp check found the port open */
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
      probes[i].deadline = deadline - 50 * G_TIME_SPAN_MILLISECOND;
      probes[i].cancellable = cancellable;
      threads[i] = g_thread_new ("rd-negotiation-offer", probe_thread, &probes[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (offers); i++)
    g_thread_join (threads[i]);

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

  json_object_set_object_member (evidence, "protocols", protocols);
  json_object_set_object_member (evidence, "failure_codes", failure_codes);
  json_object_set_array_member (evidence, "flags", flags);
  json_object_set_boolean_member (evidence, "legacy", legacy);
  json_object_set_int_member (evidence, "connections", G_N_ELEMENTS (offers));
  if (answered < G_N_ELEMENTS (offers) && (n_timeout > 0 || n_closed > 0))
    json_object_set_string_member (evidence, "closed_at", "x224");
  else
    json_object_set_null_member (evidence, "closed_at");
  /* what went wrong with the first offer that got no answer */
  if (first_error != NULL)
    json_object_set_string_member (evidence, "error", first_error);
  json_object_set_array_member (evidence, "offers", details);

  if (handed_on != NULL)
    {
      json_object_set_string_member (evidence, "handed_on", handed_on->offer->key);
      rd_check_context_put_artifact (context, RD_ARTIFACT_TLS_READY_CONNECTION,
                                     G_OBJECT (g_steal_pointer (&handed_on->connection)));
    }
  for (guint i = 0; i < G_N_ELEMENTS (offers); i++)
    {
      g_clear_object (&probes[i].connection);
      g_free (probes[i].error);
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
