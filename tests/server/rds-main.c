/* rds-main.c: rdp-doctor-test-server, a scriptable RDP server on loopback
 *
 * A test fixture for states no packaged server can show, and the demo host
 * behind the README's "launch the wizard" command. It speaks only the first
 * phases of RDP (X.224 negotiation, TLS, the first CredSSP round trip) and
 * only on loopback addresses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rds-main"

#include "config.h"

#include "rds-server.h"

#include <locale.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>

#include <glib-unix.h>

enum
{
  EXIT_USAGE = 2,
};

/* --listen-range: enough for the benchmarks' fleets, few enough that the
 * listening sockets cannot eat the file descriptors the connections need. */
#define MAX_RANGE_ADDRESSES 4096

typedef struct
{
  RdsConfig            config;
  GMainLoop           *loop;
  GPtrArray           *listeners;     /* GSocket, one per address */
  GPtrArray           *accept_sources; /* GSource, one per listener */
  GCancellable        *cancellable;   /* cancelled at shutdown: ends every wait */
  GPtrArray           *script;        /* const RdsBehaviour *, one per connection, last repeats */
  const RdsBehaviour  *then;          /* what SIGUSR1 switches to */
  gboolean             switched;
  guint                n_accepted;
  guint                n_active;      /* connection threads not joined yet */
} RdsServer;

typedef struct
{
  RdsServer          *server;
  const RdsBehaviour *behaviour;
  GThread            *thread;
  RdsConn             conn;
} ConnJob;

/* Runs on the main thread once a connection thread is done. */
static gboolean
conn_finished_cb (gpointer user_data)
{
  ConnJob *job = user_data;

  g_thread_join (job->thread);
  g_object_unref (job->conn.connection);
  job->server->n_active--;
  g_free (job);

  return G_SOURCE_REMOVE;
}

static gpointer
conn_thread (gpointer user_data)
{
  ConnJob *job = user_data;

  g_debug ("connection %u: serving as %s", job->conn.id, job->behaviour->name);
  job->behaviour->serve (&job->conn, job->behaviour);

  g_clear_pointer (&job->conn.ssl, SSL_free);
  g_io_stream_close (G_IO_STREAM (job->conn.connection), NULL, NULL);
  g_debug ("connection %u: closed", job->conn.id);

  g_idle_add (conn_finished_cb, job);
  return NULL;
}

static const RdsBehaviour *
pick_behaviour (RdsServer *server)
{
  guint index;

  if (server->switched)
    return server->then;

  index = MIN (server->n_accepted, server->script->len - 1);
  return g_ptr_array_index (server->script, index);
}

static void
serve (RdsServer         *server,
       GSocketConnection *connection)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  ConnJob *job;

  job = g_new0 (ConnJob, 1);
  job->server = server;
  job->behaviour = pick_behaviour (server);
  job->conn.config = &server->config;
  job->conn.id = ++server->n_accepted;
  job->conn.connection = g_object_ref (connection);
  job->conn.socket = g_socket_connection_get_socket (connection);
  job->conn.cancellable = server->cancellable;

  /* A thread per connection: blocking OpenSSL stays off the accept loop, and
   * a silent client ties up nothing but its own thread. */
  name = g_strdup_printf ("rds-conn-%u", job->conn.id);
  server->n_active++;
  job->thread = g_thread_try_new (name, conn_thread, job, &error);
  if (job->thread == NULL)
    {
      g_message ("Cannot serve connection %u: %s", job->conn.id, error->message);
      server->n_active--;
      g_object_unref (job->conn.connection);
      g_free (job);
    }
}

/* Each listener has a source of its own for as long as the server runs:
 * GSocketService makes a source for every listener on every accept, which
 * with a thousand addresses costs more than serving the connection. */
static gboolean
accept_ready_cb (GSocket      *listener,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  RdsServer *server = user_data;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (listener, NULL, &error);
      g_autoptr(GSocketConnection) connection = NULL;

      if (socket == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_message ("Cannot accept a connection: %s", error->message);
          break;
        }
      connection = g_socket_connection_factory_create_connection (socket);
      serve (server, connection);
    }
  return G_SOURCE_CONTINUE;
}

static GSocket *
listen_on (GSocketAddress  *address,
           GSocketAddress **effective,
           GError         **error)
{
  g_autoptr(GSocket) socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, error);

  if (socket == NULL)
    return NULL;
  /* Many test clients connect at once; a small backlog drops some. */
  g_socket_set_listen_backlog (socket, 256);
  g_socket_set_blocking (socket, FALSE);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;
  *effective = g_socket_get_local_address (socket, error);
  if (*effective == NULL)
    return NULL;
  return g_steal_pointer (&socket);
}

static gboolean
quit_cb (gpointer user_data)
{
  RdsServer *server = user_data;

  g_main_loop_quit (server->loop);
  return G_SOURCE_CONTINUE;
}

/* The control channel: SIGUSR1 "fixes the fault" for every later connection. */
static gboolean
switch_cb (gpointer user_data)
{
  RdsServer *server = user_data;

  server->switched = TRUE;
  g_debug ("Switched to behaviour %s", server->then->name);
  g_print ("SWITCHED %s\n", server->then->name);
  fflush (stdout);

  return G_SOURCE_CONTINUE;
}

static void
set_names (RdsConfig  *config,
           const char *computer_name)
{
  g_autofree char *label = NULL;
  const char *dot;

  config->nb_domain = g_strdup ("DEMO");
  config->dns_domain = g_strdup ("demo.example");
  config->dns_tree = g_strdup ("demo.example");

  if (computer_name == NULL)
    computer_name = "demo-pc";

  /* NetBIOS names are the first DNS label, upper case, at most 15 characters */
  dot = strchr (computer_name, '.');
  label = dot != NULL ? g_strndup (computer_name, dot - computer_name) : g_strdup (computer_name);
  if (g_utf8_strlen (label, -1) > 15)
    *g_utf8_offset_to_pointer (label, 15) = '\0';
  config->nb_computer = g_utf8_strup (label, -1);

  if (dot != NULL)
    config->dns_computer = g_utf8_strdown (computer_name, -1);
  else
    {
      g_autofree char *lower = g_utf8_strdown (computer_name, -1);

      config->dns_computer = g_strdup_printf ("%s.%s", lower, config->dns_domain);
    }
}

static void
config_clear (RdsConfig *config)
{
  g_clear_pointer (&config->nb_computer, g_free);
  g_clear_pointer (&config->nb_domain, g_free);
  g_clear_pointer (&config->dns_computer, g_free);
  g_clear_pointer (&config->dns_domain, g_free);
  g_clear_pointer (&config->dns_tree, g_free);
  g_clear_pointer (&config->ssl_ctx, SSL_CTX_free);
}

static gboolean
parse_hex_u8 (const char  *text,
              guint8      *out,
              GError     **error)
{
  guint64 value;

  if (g_str_has_prefix (text, "0x") || g_str_has_prefix (text, "0X"))
    text += 2;
  if (!g_ascii_string_to_unsigned (text, 16, 0, 0xff, &value, error))
    return FALSE;

  *out = (guint8) value;
  return TRUE;
}

static GInetAddress *
parse_loopback (const char  *text,
                GError     **error)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_strcmp0 (text, "localhost") == 0)
    text = "127.0.0.1";

  address = g_inet_address_new_from_string (text);
  if (address == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--listen needs a loopback IP address, not “%s”", text);
      return NULL;
    }
  /* This server is a test fixture: it never listens where others can reach it. */
  if (!g_inet_address_get_is_loopback (address))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Refusing to listen on %s: only loopback addresses (127.0.0.0/8, ::1) are allowed",
                   text);
      return NULL;
    }

  return g_steal_pointer (&address);
}

/* FIRST-LAST: every IPv4 address from FIRST to LAST, both included, appended to
 * @addresses. Both ends are loopback, so everything between them is too. */
static gboolean
add_loopback_range (const char  *text,
                    GPtrArray   *addresses,
                    GError     **error)
{
  g_auto(GStrv) ends = g_strsplit (text, "-", 2);
  g_autoptr(GInetAddress) first = NULL;
  g_autoptr(GInetAddress) last = NULL;
  guint32 from, to;

  if (g_strv_length (ends) != 2)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--listen-range needs FIRST-LAST, such as 127.0.0.1-127.0.3.232, not “%s”", text);
      return FALSE;
    }
  first = parse_loopback (ends[0], error);
  if (first == NULL)
    return FALSE;
  last = parse_loopback (ends[1], error);
  if (last == NULL)
    return FALSE;
  if (g_inet_address_get_family (first) != G_SOCKET_FAMILY_IPV4 ||
      g_inet_address_get_family (last) != G_SOCKET_FAMILY_IPV4)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--listen-range takes IPv4 addresses only, not “%s”", text);
      return FALSE;
    }

  memcpy (&from, g_inet_address_to_bytes (first), sizeof from);
  memcpy (&to, g_inet_address_to_bytes (last), sizeof to);
  from = g_ntohl (from);
  to = g_ntohl (to);
  if (from > to || to - from >= MAX_RANGE_ADDRESSES)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--listen-range “%s” must run upwards and hold at most %d addresses",
                   text, MAX_RANGE_ADDRESSES);
      return FALSE;
    }

  for (guint64 a = from; a <= to; a++)
    {
      guint32 bytes = g_htonl ((guint32) a);

      g_ptr_array_add (addresses, g_inet_address_new_from_bytes ((const guint8 *) &bytes,
                                                                 G_SOCKET_FAMILY_IPV4));
    }

  return TRUE;
}

/* Each listening address is one file descriptor, and each of its
 * connections another: many addresses need more than the usual soft limit
 * of 1024. */
static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static gboolean
write_ready_file (const char  *path,
                  const char  *line,
                  GError     **error)
{
  /* g_file_set_contents renames into place: a reader never sees half a line. */
  return g_file_set_contents (path, line, -1, error);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) lines = g_string_new (NULL);
  g_auto(GStrv) opt_listen = NULL;
  g_autofree char *opt_listen_range = NULL;
  guint16 port;
  g_auto(GStrv) opt_behaviours = NULL;
  g_autofree char *opt_then = NULL;
  g_autofree char *opt_cert = NULL;
  g_autofree char *opt_key = NULL;
  g_autofree char *opt_ready_file = NULL;
  g_autofree char *opt_computer_name = NULL;
  g_autofree char *opt_tls_versions = NULL;
  g_autofree char *opt_neg_flags = NULL;
  g_autofree char *opt_cert_name = NULL;
  gint opt_port = 0;
  gint opt_failure_code = -1;
  gint64 opt_credssp_version = 6;
  gint64 opt_clock_offset = 0;
  gint64 opt_cert_days_valid = 180;
  gint64 opt_cert_not_before_offset = -24 * 3600;
  gboolean opt_list = FALSE;
  RdsTlsOptions tls_options = { 0, };
  RdsServer server = { 0, };
  guint signal_ids[4];
  const GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_listen,
      "Loopback address to listen on (default 127.0.0.1; ::1 works too); "
      "repeat it to listen on several, all on the same port", "ADDRESS" },
    { "listen-range", 0, 0, G_OPTION_ARG_STRING, &opt_listen_range,
      "Also listen on every IPv4 loopback address from FIRST to LAST, such as "
      "127.0.0.1-127.0.3.232 (at most 4096; a fleet of hosts for benchmarks)", "FIRST-LAST" },
    { "port", 0, 0, G_OPTION_ARG_INT, &opt_port,
      "TCP port (default 0: any free port, see the LISTENING line)", "N" },
    { "behaviour", 'b', 0, G_OPTION_ARG_STRING_ARRAY, &opt_behaviours,
      "How to answer (default windows). Repeat it to script connections: "
      "the Nth connection gets the Nth behaviour, later ones the last", "NAME" },
    { "then", 0, 0, G_OPTION_ARG_STRING, &opt_then,
      "Behaviour to switch to on SIGUSR1, for all later connections "
      "(default windows); the server prints “SWITCHED NAME” when it did", "NAME" },
    { "list-behaviours", 0, 0, G_OPTION_ARG_NONE, &opt_list,
      "List the behaviours and exit", NULL },
    { "failure-code", 0, 0, G_OPTION_ARG_INT, &opt_failure_code,
      "RDP_NEG_FAILURE code for the behaviour “failure” (implies it when no "
      "--behaviour is given)", "N" },
    { "neg-flags", 0, 0, G_OPTION_ARG_STRING, &opt_neg_flags,
      "RDP_NEG_RSP flags in hex (default 1B)", "HEX" },
    { "credssp-version", 0, 0, G_OPTION_ARG_INT64, &opt_credssp_version,
      "CredSSP TSRequest version of the server's answer (default 6)", "N" },
    { "computer-name", 0, 0, G_OPTION_ARG_STRING, &opt_computer_name,
      "Computer name in the NTLM CHALLENGE (default demo-pc: NetBIOS DEMO-PC, "
      "DNS demo-pc.demo.example); a dotted name is the DNS name", "NAME" },
    { "clock-offset", 0, 0, G_OPTION_ARG_INT64, &opt_clock_offset,
      "Seconds added to the server clock in the NTLM timestamp", "SECONDS" },
    { "tls-versions", 0, 0, G_OPTION_ARG_STRING, &opt_tls_versions,
      "TLS versions the server accepts, e.g. 1.0 or 1.0,1.1,1.2 (default 1.2,1.3)", "LIST" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_cert,
      "PEM certificate (chain) to use instead of a generated one", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &opt_key,
      "PEM private key for --cert", "FILE" },
    { "cert-name", 0, 0, G_OPTION_ARG_STRING, &opt_cert_name,
      "CN and DNS SAN of the generated certificate (default rdp-doctor-demo)", "NAME" },
    { "cert-days-valid", 0, 0, G_OPTION_ARG_INT64, &opt_cert_days_valid,
      "The generated certificate expires this many days from now; negative: "
      "already expired (default 180)", "DAYS" },
    { "cert-not-before-offset", 0, 0, G_OPTION_ARG_INT64, &opt_cert_not_before_offset,
      "The generated certificate is valid from now plus this many seconds; "
      "positive: not yet valid (default -86400)", "SECONDS" },
    { "ready-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_ready_file,
      "Also write the LISTENING lines to this file", "FILE" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- scriptable RDP server for RDP Doctor's tests and demo");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Listens on loopback only. Once listening on every address it prints\n"
    "  LISTENING <address> <port>\n"
    "on stdout, one line per address in the order given (--listen first). SIGUSR1 switches later connections to the --then behaviour\n"
    "(the control channel: fix the fault without a restart). SIGTERM or SIGINT\n"
    "stop it; it exits 0. Run with --list-behaviours for the behaviours.\n"
    "G_MESSAGES_DEBUG=all shows what each connection did.\n");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_USAGE;
    }

  if (opt_list)
    {
      rds_behaviour_print_table ();
      return EXIT_SUCCESS;
    }

  if (argc > 1)
    {
      g_printerr ("Unexpected argument “%s”\n", argv[1]);
      return EXIT_USAGE;
    }

  for (guint i = 0; opt_listen != NULL && opt_listen[i] != NULL; i++)
    {
      GInetAddress *address = parse_loopback (opt_listen[i], &error);

      if (address == NULL)
        {
          g_printerr ("%s\n", error->message);
          return EXIT_USAGE;
        }
      g_ptr_array_add (addresses, address);
    }
  if (opt_listen_range != NULL && !add_loopback_range (opt_listen_range, addresses, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_USAGE;
    }
  if (addresses->len == 0)
    g_ptr_array_add (addresses, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4));

  if (opt_port < 0 || opt_port > 65535)
    {
      g_printerr ("--port must be between 0 and 65535\n");
      return EXIT_USAGE;
    }

  server.script = g_ptr_array_new ();
  if (opt_behaviours == NULL || opt_behaviours[0] == NULL)
    g_ptr_array_add (server.script,
                     (gpointer) rds_behaviour_lookup (opt_failure_code >= 0 ? "failure" : "windows"));
  for (guint i = 0; opt_behaviours != NULL && opt_behaviours[i] != NULL; i++)
    {
      const RdsBehaviour *behaviour = rds_behaviour_lookup (opt_behaviours[i]);

      if (behaviour == NULL)
        {
          g_printerr ("Unknown behaviour “%s” (see --list-behaviours)\n", opt_behaviours[i]);
          g_ptr_array_unref (server.script);
          return EXIT_USAGE;
        }
      if (g_str_equal (behaviour->name, "failure") && opt_failure_code < 0)
        {
          g_printerr ("The behaviour “failure” needs --failure-code N\n");
          g_ptr_array_unref (server.script);
          return EXIT_USAGE;
        }
      g_ptr_array_add (server.script, (gpointer) behaviour);
    }

  server.then = rds_behaviour_lookup (opt_then != NULL ? opt_then : "windows");
  if (server.then == NULL || (g_str_equal (server.then->name, "failure") && opt_failure_code < 0))
    {
      g_printerr ("Bad --then behaviour “%s” (see --list-behaviours)\n", opt_then);
      g_ptr_array_unref (server.script);
      return EXIT_USAGE;
    }

  server.config.failure_code = opt_failure_code >= 0 ? (guint32) opt_failure_code : 0;
  server.config.neg_flags = RDS_DEFAULT_NEG_FLAGS;
  if (opt_neg_flags != NULL && !parse_hex_u8 (opt_neg_flags, &server.config.neg_flags, &error))
    {
      g_printerr ("--neg-flags: %s\n", error->message);
      g_ptr_array_unref (server.script);
      return EXIT_USAGE;
    }
  server.config.credssp_version = opt_credssp_version;
  server.config.clock_offset_s = opt_clock_offset;
  set_names (&server.config, opt_computer_name);

  if ((opt_cert == NULL) != (opt_key == NULL))
    {
      g_printerr ("--cert and --key go together\n");
      config_clear (&server.config);
      g_ptr_array_unref (server.script);
      return EXIT_USAGE;
    }

  tls_options.cert_file = opt_cert;
  tls_options.key_file = opt_key;
  tls_options.cert_name = opt_cert_name != NULL ? opt_cert_name : "rdp-doctor-demo";
  tls_options.cert_days_valid = opt_cert_days_valid;
  tls_options.cert_not_before_offset_s = opt_cert_not_before_offset;
  tls_options.tls_versions = opt_tls_versions;
  server.config.ssl_ctx = rds_tls_context_new (&tls_options, &error);
  if (server.config.ssl_ctx == NULL)
    {
      g_printerr ("TLS: %s\n", error->message);
      config_clear (&server.config);
      g_ptr_array_unref (server.script);
      return g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE)
             ? EXIT_USAGE : EXIT_FAILURE;
    }

  /* A broken pipe is an error return on that connection, not our death. */
  signal (SIGPIPE, SIG_IGN);

  server.loop = g_main_loop_new (NULL, FALSE);
  server.cancellable = g_cancellable_new ();
  server.listeners = g_ptr_array_new_with_free_func (g_object_unref);
  server.accept_sources = g_ptr_array_new ();

  if (addresses->len > 1)
    raise_fd_limit ();

  /* With --port 0 the first address picks a free port and the others share it. */
  port = (guint16) opt_port;
  for (guint i = 0; i < addresses->len; i++)
    {
      GInetAddress *address = g_ptr_array_index (addresses, i);
      g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, port);
      g_autoptr(GSocketAddress) effective = NULL;
      g_autofree char *address_text = g_inet_address_to_string (address);

      GSocket *listener = listen_on (socket_address, &effective, &error);

      if (listener == NULL)
        {
          g_printerr ("Cannot listen on %s port %u: %s\n", address_text, port, error->message);
          g_ptr_array_unref (server.listeners);
          g_ptr_array_unref (server.accept_sources);
          g_object_unref (server.cancellable);
          g_main_loop_unref (server.loop);
          config_clear (&server.config);
          g_ptr_array_unref (server.script);
          return EXIT_FAILURE;
        }
      g_ptr_array_add (server.listeners, listener);
      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
      g_string_append_printf (lines, "LISTENING %s %u\n", address_text, port);
    }

  signal_ids[0] = g_unix_signal_add (SIGTERM, quit_cb, &server);
  signal_ids[1] = g_unix_signal_add (SIGINT, quit_cb, &server);
  signal_ids[2] = g_unix_signal_add (SIGUSR1, switch_cb, &server);
  signal_ids[3] = 0;

  /* The file first: whoever saw the line on stdout may look for the file. */
  if (opt_ready_file != NULL && !write_ready_file (opt_ready_file, lines->str, &error))
    {
      g_printerr ("--ready-file: %s\n", error->message);
      g_clear_error (&error);
    }
  g_print ("%s", lines->str);
  fflush (stdout);

  for (guint i = 0; i < server.listeners->len; i++)
    {
      GSource *source = g_socket_create_source (g_ptr_array_index (server.listeners, i), G_IO_IN, NULL);

      g_source_set_callback (source, G_SOURCE_FUNC (accept_ready_cb), &server, NULL);
      g_source_attach (source, NULL);
      g_ptr_array_add (server.accept_sources, source);
    }
  g_main_loop_run (server.loop);

  g_debug ("Shutting down with %u connections open", server.n_active);
  for (guint i = 0; i < server.accept_sources->len; i++)
    {
      g_source_destroy (g_ptr_array_index (server.accept_sources, i));
      g_source_unref (g_ptr_array_index (server.accept_sources, i));
    }
  g_clear_pointer (&server.accept_sources, g_ptr_array_unref);
  for (guint i = 0; i < server.listeners->len; i++)
    g_socket_close (g_ptr_array_index (server.listeners, i), NULL);
  g_clear_pointer (&server.listeners, g_ptr_array_unref);
  g_cancellable_cancel (server.cancellable);
  while (server.n_active > 0)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  for (guint i = 0; signal_ids[i] != 0; i++)
    g_source_remove (signal_ids[i]);
  g_clear_object (&server.cancellable);
  g_clear_pointer (&server.loop, g_main_loop_unref);
  g_clear_pointer (&server.script, g_ptr_array_unref);
  config_clear (&server.config);

  return EXIT_SUCCESS;
}
