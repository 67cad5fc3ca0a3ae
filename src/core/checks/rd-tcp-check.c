/* rd-tcp-check.c: can a TCP connection to the RDP port be opened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-tcp-check"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-dns-check.h"
#include "rd-net.h"
#include "rd-tcp-check.h"
#include "rd-target.h"

struct _RdTcpCheck
{
  RdCheck parent_instance;
};

G_DEFINE_FINAL_TYPE (RdTcpCheck, rd_tcp_check, RD_TYPE_CHECK)

/* Keep back this much of the deadline for building the result. */
#define RESERVE_US (50 * G_TIME_SPAN_MILLISECOND)

static char *
describe_closed (RdTcpState  state,
                 const char *where)
{
  switch (state)
    {
    case RD_TCP_REFUSED:
      return g_strdup_printf (_("Connection to %s refused: nothing is listening there"), where);
    case RD_TCP_TIMEOUT:
      return g_strdup_printf (_("No answer from %s: something drops the connection attempts"), where);
    case RD_TCP_UNREACHABLE:
      return g_strdup_printf (_("%s cannot be reached: no route, or a firewall rejects it"), where);
    case RD_TCP_OPEN:
    case RD_TCP_ERROR:
    default:
      return g_strdup_printf (_("Could not try to connect to %s"), where);
    }
}

static RdCheckResult *
rd_tcp_check_run (RdCheck        *check,
                  RdCheckContext *context,
                  GCancellable   *cancellable)
{
  RdTarget *target = rd_check_context_get_target (context);
  guint16 port = rd_target_get_port (target);
  gint64 deadline = rd_check_context_get_deadline (context);
  g_autoptr(GPtrArray) addresses = NULL;
  g_autofree RdConnectOutcome *outcomes = NULL;
  g_autofree char *where = NULL;
  JsonObject *evidence = json_object_new ();
  JsonArray *list = json_array_new ();
  RdTcpState state;
  RdConnectOutcome *open_outcome = NULL;

  addresses = rd_dns_check_get_socket_addresses (rd_check_context_get_result (context, "dns"), port);
  json_object_set_int_member (evidence, "port", port);
  json_object_set_array_member (evidence, "addresses", list);

  if (addresses->len == 0)
    {
      json_object_set_string_member (evidence, "state", "error");
      return rd_check_result_new_take ("tcp", RD_CHECK_STATUS_ERROR,
                                       g_strdup (_("No address to connect to")), evidence);
    }

  outcomes = g_new0 (RdConnectOutcome, addresses->len);
  rd_net_connect_all ((GSocketAddress **) addresses->pdata, addresses->len, deadline - RESERVE_US,
                      TRUE, cancellable, outcomes);

  for (guint i = 0; i < addresses->len; i++)
    {
      RdConnectOutcome *out = &outcomes[i];
      JsonObject *entry = json_object_new ();
      g_autofree char *text = g_inet_address_to_string (
        g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (out->address)));

      json_object_set_string_member (entry, "address", text);
      json_object_set_string_member (entry, "state", rd_tcp_state_to_string (out->state));
      json_object_set_double_member (entry, "connect_ms", out->connect_ms);
      if (out->error != NULL)
        json_object_set_string_member (entry, "error", out->error);
      json_array_add_object_element (list, entry);

      if (out->state == RD_TCP_OPEN && open_outcome == NULL)
        open_outcome = out;
    }

  state = rd_connect_outcomes_state (outcomes, addresses->len);
  json_object_set_string_member (evidence, "state", rd_tcp_state_to_string (state));

  if (g_cancellable_is_cancelled (cancellable))
    {
      for (guint i = 0; i < addresses->len; i++)
        rd_connect_outcome_clear (&outcomes[i]);
      return rd_check_result_new_take ("tcp", RD_CHECK_STATUS_ERROR,
                                       g_strdup (_("Cancelled")), evidence);
    }

  if (state == RD_TCP_OPEN)
    {
      g_autofree char *shown_text = g_inet_address_to_string (
        g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (open_outcome->address)));
      g_autofree char *time_text = rd_format_ms (open_outcome->connect_ms);
      guint n_other_closed = 0;

      /* The negotiation sends its first offer on this connection rather than
       * opening another; how steady the path is, it measures on the
       * connections it opens anyway. */
      rd_check_context_put_artifact (context, RD_ARTIFACT_OPEN_SOCKET,
                                     G_OBJECT (g_steal_pointer (&open_outcome->socket)));
      for (guint i = 0; i < addresses->len; i++)
        {
          if (outcomes[i].state != RD_TCP_OPEN)
            n_other_closed++;
          rd_connect_outcome_clear (&outcomes[i]);
        }

      if (n_other_closed > 0)
        return rd_check_result_new_take ("tcp", RD_CHECK_STATUS_WARN,
                                         g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                       "Port %u is open on %s, but not on %u other address of this name",
                                                                       "Port %u is open on %s, but not on %u other addresses of this name",
                                                                       n_other_closed),
                                                          port, shown_text, n_other_closed),
                                         evidence);
      return rd_check_result_new_take ("tcp", RD_CHECK_STATUS_PASS,
                                       g_strdup_printf (_("Port %u is open on %s (%s ms)"),
                                                        port, shown_text, time_text),
                                       evidence);
    }

  {
    g_autofree char *shown_text = g_inet_address_to_string (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (outcomes[0].address)));

    where = addresses->len == 1
              ? g_strdup_printf (_("%s port %u"), shown_text, port)
              : g_strdup_printf (_("port %u on every address"), port);
  }
  for (guint i = 0; i < addresses->len; i++)
    rd_connect_outcome_clear (&outcomes[i]);

  return rd_check_result_new_take ("tcp",
                                   state == RD_TCP_ERROR ? RD_CHECK_STATUS_ERROR : RD_CHECK_STATUS_FAIL,
                                   describe_closed (state, where), evidence);
}

static void
rd_tcp_check_class_init (RdTcpCheckClass *klass)
{
  RD_CHECK_CLASS (klass)->run = rd_tcp_check_run;
}

static void
rd_tcp_check_init (RdTcpCheck *self)
{
}

RdCheck *
rd_tcp_check_new (void)
{
  static const char * const dependencies[] = { "dns", NULL };

  return g_object_new (RD_TYPE_TCP_CHECK,
                       "id", "tcp",
                       "title", _("Connection to the Remote Desktop port"),
                       "dependencies", dependencies,
                       NULL);
}
