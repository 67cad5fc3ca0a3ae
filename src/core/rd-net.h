/* rd-net.h: blocking socket helpers for checks, bounded by a deadline and a
 * cancellable (checks run on worker threads)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How a TCP connect ended. The string forms are report keys. */
typedef enum
{
  RD_TCP_OPEN,         /* the handshake completed */
  RD_TCP_REFUSED,      /* RST: nothing listens (or a firewall rejects with RST) */
  RD_TCP_TIMEOUT,      /* no answer before the deadline: packets dropped */
  RD_TCP_UNREACHABLE,  /* no route, or an ICMP unreachable / prohibited answer */
  RD_TCP_ERROR,        /* anything else (local errors) */
} RdTcpState;

typedef struct
{
  GSocketAddress *address;
  RdTcpState      state;
  double          connect_ms;  /* until the verdict */
  GSocket        *socket;      /* connected (blocking mode) when OPEN and kept, else NULL */
  char           *error;       /* the system's message when not OPEN, else NULL */
} RdConnectOutcome;

const char *rd_tcp_state_to_string (RdTcpState state);

void     rd_net_connect_all        (GSocketAddress  **addresses,
                                    guint             n_addresses,
                                    gint64            deadline_us,
                                    gboolean          keep_sockets,
                                    GCancellable     *cancellable,
                                    RdConnectOutcome *outcomes);
void     rd_connect_outcome_clear  (RdConnectOutcome *outcome);
RdTcpState rd_connect_outcomes_state (const RdConnectOutcome *outcomes,
                                      guint                   n_outcomes);

gboolean rd_net_wait_until         (GMainContext     *context,
                                    gboolean        (*is_done) (gpointer data),
                                    gpointer          data,
                                    gint64            deadline_us,
                                    GCancellable     *cancellable);

gboolean rd_net_write_all          (GSocket          *socket,
                                    const guint8     *data,
                                    gsize             length,
                                    gint64            deadline_us,
                                    GCancellable     *cancellable,
                                    GError          **error);
gssize   rd_net_read_some          (GSocket          *socket,
                                    guint8           *buffer,
                                    gsize             length,
                                    gint64            deadline_us,
                                    GCancellable     *cancellable,
                                    GError          **error);

char    *rd_format_ms              (double            ms);

G_END_DECLS
