/* rd-net.c: blocking socket helpers for checks, bounded by a deadline and a
 * cancellable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-net"

#include "config.h"

#include <string.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include "rd-net.h"

static const char * const tcp_state_names[] = {
  [RD_TCP_OPEN] = "open",
  [RD_TCP_REFUSED] = "refused",
  [RD_TCP_TIMEOUT] = "timeout",
  [RD_TCP_UNREACHABLE] = "unreachable",
  [RD_TCP_ERROR] = "error",
};

const char *
rd_tcp_state_to_string (RdTcpState state)
{
  g_return_val_if_fail (state <= RD_TCP_ERROR, "error");
  return tcp_state_names[state];
}

/* Servers with a tiny accept queue (xrdp listens with a backlog of 2 and
 * accepts only every few milliseconds) drop the SYN of a burst of connections,
 * which looks exactly like packet loss. A connection sits in that queue from
 * its handshake until the server takes it, and the first sign of that we get
 * is the server's first answer. So, across all checks of the process, at most
 * MAX_UNANSWERED connections to one address wait for their first answer at a
 * time; one more may start anyway once PACING_US has passed since the last
 * start, so that a server slow to answer costs no more than that per
 * connection. On a healthy host a new connection waits for nothing but an
 * answer that is already on its way. */
#define MAX_UNANSWERED 3
#define PACING_US (10 * G_TIME_SPAN_MILLISECOND)

/* Forget idle addresses beyond this many, so a fleet run stays flat. */
#define MAX_IDLE_ADDRESSES 256

typedef struct
{
  guint  unanswered;
  gint64 last_start_us;
} AddressLoad;

static GMutex admission_lock;
static GCond admission_changed;
static GHashTable *admission_loads;  /* "address" → AddressLoad */
static GQuark admission_quark;       /* on a GSocket: the key of the slot it holds */

static void
forget_idle_addresses (gint64 now)
{
  GHashTableIter iter;
  AddressLoad *load;

  if (g_hash_table_size (admission_loads) <= MAX_IDLE_ADDRESSES)
    return;
  g_hash_table_iter_init (&iter, admission_loads);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &load))
    if (load->unanswered == 0 && now - load->last_start_us >= PACING_US)
      g_hash_table_iter_remove (&iter);
}

static void
wake_admission (GCancellable *cancellable,
                gpointer      user_data)
{
  g_mutex_lock (&admission_lock);
  g_cond_broadcast (&admission_changed);
  g_mutex_unlock (&admission_lock);
}

/* Waits until a new connection to @key may start (or the deadline passes, or
 * @cancellable fires), then counts it as unanswered. */
static void
admit (const char   *key,
       gint64        deadline_us,
       GCancellable *cancellable)
{
  gulong handler = 0;
  AddressLoad *load;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_admission), NULL, NULL);

  g_mutex_lock (&admission_lock);
  if (admission_loads == NULL)
    {
      admission_loads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      admission_quark = g_quark_from_static_string ("rd-net-admission");
    }
  forget_idle_addresses (g_get_monotonic_time ());
  load = g_hash_table_lookup (admission_loads, key);
  if (load == NULL)
    {
      load = g_new0 (AddressLoad, 1);
      load->last_start_us = G_MININT64 / 2;
      g_hash_table_insert (admission_loads, g_strdup (key), load);
    }

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 paced = load->last_start_us + PACING_US;

      if (load->unanswered < MAX_UNANSWERED || now >= paced || now >= deadline_us ||
          g_cancellable_is_cancelled (cancellable))
        break;
      /* woken by an answer, a released slot or the cancellable */
      g_cond_wait_until (&admission_changed, &admission_lock, MIN (paced, deadline_us));
    }
  load->unanswered++;
  load->last_start_us = g_get_monotonic_time ();
  g_mutex_unlock (&admission_lock);

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
}

static void
release (gpointer data)
{
  char *key = data;
  AddressLoad *load;

  g_mutex_lock (&admission_lock);
  load = g_hash_table_lookup (admission_loads, key);
  if (load != NULL && load->unanswered > 0)
    load->unanswered--;
  g_cond_broadcast (&admission_changed);
  g_mutex_unlock (&admission_lock);
  g_free (key);
}

/* The server answered on @socket (or it is closed): its slot is free. */
static void
note_answered (GSocket *socket)
{
  if (admission_quark != 0 && g_object_get_qdata (G_OBJECT (socket), admission_quark) != NULL)
    g_object_set_qdata (G_OBJECT (socket), admission_quark, NULL);
}

static char *
admission_key (GSocketAddress *address)
{
  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static RdTcpState
classify_connect_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return RD_TCP_REFUSED;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return RD_TCP_TIMEOUT;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return RD_TCP_UNREACHABLE;
  return RD_TCP_ERROR;
}

static double
elapsed_ms (gint64 since_us)
{
  return (double) (g_get_monotonic_time () - since_us) / 1000.0;
}

void
rd_connect_outcome_clear (RdConnectOutcome *outcome)
{
  g_clear_object (&outcome->address);
  g_clear_object (&outcome->socket);
  g_clear_pointer (&outcome->error, g_free);
}

/**
 * rd_connect_outcomes_state:
 *
 * Returns: the verdict on a name with several addresses: the most hopeful
 *   state wins, since one open address is enough to connect
 */
RdTcpState
rd_connect_outcomes_state (const RdConnectOutcome *outcomes,
                           guint                   n_outcomes)
{
  gboolean any[RD_TCP_ERROR + 1] = { FALSE, };

  for (guint i = 0; i < n_outcomes; i++)
    any[outcomes[i].state] = TRUE;

  if (any[RD_TCP_OPEN])
    return RD_TCP_OPEN;
  if (any[RD_TCP_TIMEOUT])
    return RD_TCP_TIMEOUT;
  if (any[RD_TCP_REFUSED])
    return RD_TCP_REFUSED;
  if (any[RD_TCP_UNREACHABLE])
    return RD_TCP_UNREACHABLE;
  return RD_TCP_ERROR;
}

/**
 * rd_net_connect_all:
 * @addresses: (array length=n_addresses): where to connect
 * @deadline_us: monotonic time by which every connect has a verdict
 * @keep_sockets: keep the connected sockets in the outcomes (else close them)
 * @outcomes: (out caller-allocates) (array length=n_addresses): one per address
 *
 * Connects to all addresses at once, so that one filtered address does not
 * delay the verdict on the others, and tells each answer apart: refused,
 * unreachable, open, or nothing before the deadline.
 */
void
rd_net_connect_all (GSocketAddress  **addresses,
                    guint             n_addresses,
                    gint64            deadline_us,
                    gboolean          keep_sockets,
                    GCancellable     *cancellable,
                    RdConnectOutcome *outcomes)
{
  GPollFD cancel_fd = { 0, };
  g_autofree gint64 *started = g_new0 (gint64, n_addresses);  /* per address: after pacing */
  gboolean have_cancel_fd = FALSE;
  guint pending = 0;

  for (guint i = 0; i < n_addresses; i++)
    {
      RdConnectOutcome *out = &outcomes[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *key = NULL;

      memset (out, 0, sizeof *out);
      out->address = g_object_ref (addresses[i]);
      out->socket = g_socket_new (g_socket_address_get_family (addresses[i]),
                                  G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
      if (out->socket == NULL)
        {
          out->state = RD_TCP_ERROR;
          out->error = g_strdup (error->message);
          continue;
        }
      g_socket_set_blocking (out->socket, FALSE);
      /* Small requests that wait for an answer: Nagle's algorithm would hold a
       * request's last segment back for the delayed ACK of the one before. */
      if (!g_socket_set_option (out->socket, IPPROTO_TCP, TCP_NODELAY, 1, &error))
        {
          g_debug ("TCP_NODELAY: %s", error->message);
          g_clear_error (&error);
        }
      key = admission_key (addresses[i]);
      if (key != NULL)
        {
          admit (key, deadline_us, cancellable);
          /* held until the server's first answer, or until the socket goes */
          g_object_set_qdata_full (G_OBJECT (out->socket), admission_quark,
                                   g_steal_pointer (&key), release);
        }
      started[i] = g_get_monotonic_time ();

      if (g_socket_connect (out->socket, addresses[i], NULL, &error))
        {
          out->state = RD_TCP_OPEN;
          out->connect_ms = elapsed_ms (started[i]);
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
        {
          out->state = RD_TCP_TIMEOUT;  /* until an answer comes */
          pending++;
        }
      else
        {
          out->state = classify_connect_error (error);
          out->connect_ms = elapsed_ms (started[i]);
          out->error = g_strdup (error->message);
          g_clear_object (&out->socket);
        }
    }

  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &cancel_fd))
    have_cancel_fd = TRUE;

  while (pending > 0 && !g_cancellable_is_cancelled (cancellable))
    {
      gint64 remaining_us = deadline_us - g_get_monotonic_time ();
      guint n_fds = 0;
      g_autofree guint *index_of = g_new0 (guint, n_addresses);
      GPollFD *poll_fds;
      int ready;

      if (remaining_us <= 0)
        break;

      poll_fds = g_new0 (GPollFD, n_addresses + 1);
      for (guint i = 0; i < n_addresses; i++)
        {
          if (outcomes[i].state != RD_TCP_TIMEOUT || outcomes[i].socket == NULL)
            continue;
          poll_fds[n_fds].fd = g_socket_get_fd (outcomes[i].socket);
          poll_fds[n_fds].events = G_IO_OUT | G_IO_ERR | G_IO_HUP;
          index_of[n_fds] = i;
          n_fds++;
        }
      if (have_cancel_fd)
        poll_fds[n_fds] = cancel_fd;

      ready = g_poll (poll_fds, n_fds + (have_cancel_fd ? 1 : 0),
                      (int) MIN ((remaining_us + 999) / 1000, G_MAXINT));

      for (guint k = 0; ready > 0 && k < n_fds; k++)
        {
          RdConnectOutcome *out = &outcomes[index_of[k]];
          g_autoptr(GError) error = NULL;

          if (poll_fds[k].revents == 0)
            continue;

          out->connect_ms = elapsed_ms (started[index_of[k]]);
          pending--;
          if (g_socket_check_connect_result (out->socket, &error))
            {
              out->state = RD_TCP_OPEN;
            }
          else
            {
              out->state = classify_connect_error (error);
              out->error = g_strdup (error->message);
              g_clear_object (&out->socket);
            }
        }
      g_free (poll_fds);
    }

  if (have_cancel_fd)
    g_cancellable_release_fd (cancellable);

  for (guint i = 0; i < n_addresses; i++)
    {
      RdConnectOutcome *out = &outcomes[i];

      if (out->state == RD_TCP_TIMEOUT)
        {
          out->connect_ms = elapsed_ms (started[i]);
          g_clear_object (&out->socket);
        }
      else if (out->state == RD_TCP_OPEN && !keep_sockets)
        {
          g_socket_close (out->socket, NULL);
          g_clear_object (&out->socket);
        }
      else if (out->state == RD_TCP_OPEN)
        {
          g_socket_set_blocking (out->socket, TRUE);
        }
    }
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

/**
 * rd_net_wait_until:
 * @context: the thread-default context the asynchronous calls were made on
 * @is_done: tells whether what is being waited for has happened
 *
 * Runs @context until @is_done says so, the deadline passes or @cancellable
 * fires: how a check on a worker thread waits for asynchronous GIO calls
 * (GResolver lookups) with a deadline.
 *
 * Returns: %TRUE if @is_done, %FALSE on deadline or cancellation
 */
gboolean
rd_net_wait_until (GMainContext *context,
                   gboolean    (*is_done) (gpointer data),
                   gpointer      data,
                   gint64        deadline_us,
                   GCancellable *cancellable)
{
  GSource *timeout;
  GSource *cancel = NULL;
  gboolean done;
  gint64 remaining_us = deadline_us - g_get_monotonic_time ();

  if (is_done (data))
    return TRUE;
  if (remaining_us <= 0 || g_cancellable_is_cancelled (cancellable))
    return FALSE;

  timeout = g_timeout_source_new ((guint) MIN ((remaining_us + 999) / 1000, G_MAXUINT));
  g_source_set_callback (timeout, wake_cb, NULL, NULL);
  g_source_attach (timeout, context);
  if (cancellable != NULL)
    {
      cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (cancel, wake_cb, NULL, NULL);
      g_source_attach (cancel, context);
    }

  while (!(done = is_done (data)) &&
         g_get_monotonic_time () < deadline_us &&
         !g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (context, TRUE);

  g_source_destroy (timeout);
  g_source_unref (timeout);
  if (cancel != NULL)
    {
      g_source_destroy (cancel);
      g_source_unref (cancel);
    }
  return done;
}

static gboolean
wait_for (GSocket       *socket,
          GIOCondition   condition,
          gint64         deadline_us,
          GCancellable  *cancellable,
          GError       **error)
{
  gint64 remaining_us = deadline_us - g_get_monotonic_time ();

  if (remaining_us <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no answer before the deadline");
      return FALSE;
    }
  return g_socket_condition_timed_wait (socket, condition, remaining_us, cancellable, error);
}

/**
 * rd_net_write_all:
 *
 * Writes all of @data before the deadline, or fails with %G_IO_ERROR_TIMED_OUT.
 */
gboolean
rd_net_write_all (GSocket       *socket,
                  const guint8  *data,
                  gsize          length,
                  gint64         deadline_us,
                  GCancellable  *cancellable,
                  GError       **error)
{
  gsize written = 0;

  while (written < length)
    {
      gssize n;

      if (!wait_for (socket, G_IO_OUT, deadline_us, cancellable, error))
        return FALSE;
      n = g_socket_send_with_blocking (socket, (const char *) data + written, length - written,
                                       FALSE, cancellable, error);
      if (n < 0)
        {
          if (error != NULL && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_clear_error (error);
              continue;
            }
          return FALSE;
        }
      written += (gsize) n;
    }
  return TRUE;
}

/**
 * rd_net_read_some:
 *
 * Reads what is there, up to @length bytes, waiting until the deadline.
 *
 * Returns: bytes read, 0 when the peer closed, -1 with @error
 *   (%G_IO_ERROR_TIMED_OUT when nothing came before the deadline)
 */
gssize
rd_net_read_some (GSocket       *socket,
                  guint8        *buffer,
                  gsize          length,
                  gint64         deadline_us,
                  GCancellable  *cancellable,
                  GError       **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n;

      if (!wait_for (socket, G_IO_IN, deadline_us, cancellable, error))
        return -1;
      n = g_socket_receive_with_blocking (socket, (char *) buffer, length, FALSE,
                                          cancellable, &local_error);
      if (n >= 0)
        {
          note_answered (socket);
          return n;
        }
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          note_answered (socket);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }
    }
}

/**
 * rd_format_ms:
 *
 * Returns: (transfer full): @ms with the precision that means something:
 *   loopback answers in hundredths of a millisecond, the Internet in tens
 */
char *
rd_format_ms (double ms)
{
  return g_strdup_printf (ms < 1.0 ? "%.2f" : ms < 10.0 ? "%.1f" : "%.0f", ms);
}
