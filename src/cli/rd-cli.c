/* rd-cli.c: rdp-doctor-cli, the engine from a terminal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rdp-doctor-cli"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include <gio/gunixinputstream.h>

#include "rd-core.h"
#include "rd-server-evidence.h"
#include "rd-server-script.h"
#include "rd-gateway-check.h"
#include "rd-x224.h"

/* Exit codes are a contract (DESIGN.md). */
enum
{
  EXIT_NO_PROBLEM = 0,
  EXIT_PROBLEMS = 1,
  EXIT_BAD_INPUT = 2,
  EXIT_INTERNAL = 3,
};

#define MAX_TIMEOUT_SECONDS 600.0

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  GPtrArray    *results;
  GError       *error;
  gboolean      show_progress;
} Cli;

static void
check_finished_cb (RdRunner      *runner,
                   RdCheck       *check,
                   RdCheckResult *result,
                   Cli           *cli)
{
  if (cli->show_progress)
    g_printerr ("%-8s %-7s %s\n", rd_check_get_id (check),
                rd_check_status_to_string (rd_check_result_get_status (result)),
                rd_check_result_get_summary (result));
}

static void
run_done_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Cli *cli = user_data;

  cli->results = rd_runner_run_finish (RD_RUNNER (source_object), result, &cli->error);
  g_main_loop_quit (cli->loop);
}

static gboolean
interrupted_cb (gpointer user_data)
{
  Cli *cli = user_data;

  g_cancellable_cancel (cli->cancellable);
  return G_SOURCE_CONTINUE;
}

/* "rdp", "tls", "nla" (CredSSP) and "nla-ex": the security layers the user's
 * client is set to offer, as FreeRDP's /sec: option names them. */
static gboolean
parse_client_security (const char    *text,
                       RdUserReport  *report,
                       GError       **error)
{
  g_auto(GStrv) words = g_strsplit (text, ",", -1);

  report->client_protocols = 0;
  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = g_strstrip (words[i]);

      if (g_str_equal (word, "rdp"))
        report->client_protocols |= RD_PROTOCOL_RDP;
      else if (g_str_equal (word, "tls"))
        report->client_protocols |= RD_PROTOCOL_SSL;
      else if (g_str_equal (word, "nla"))
        report->client_protocols |= RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID;
      else if (g_str_equal (word, "nla-ex"))
        report->client_protocols |= RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX;
      else
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is not a security layer; use rdp, tls, nla or nla-ex"), word);
          return FALSE;
        }
    }
  report->client_protocols_known = TRUE;
  return TRUE;
}

/* Reads what the evidence script printed, from a file or "-" (standard
 * input). It stops a little past what the import accepts, so that a huge
 * file is refused without being read whole. */
static GBytes *
read_evidence (const char  *path,
               GError     **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  gsize limit = 2 * RD_SERVER_EVIDENCE_MAX_SIZE + 4;
  guint8 buffer[8192];

  if (g_str_equal (path, "-"))
    stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

      stream = G_INPUT_STREAM (g_file_read (file, NULL, error));
      if (stream == NULL)
        return NULL;
    }
  while (data->len <= limit)
    {
      gssize n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_byte_array_append (data, buffer, (guint) n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

/* One PowerShell script with the server-side steps of every fix offered for
 * the causes found */
static gboolean
write_fix_script (RdDiagnosis  *diagnosis,
                  const char   *path,
                  GError      **error)
{
  g_autoptr(RdServerScript) script = rd_server_script_new (diagnosis);
  GPtrArray *causes = rd_diagnosis_get_causes (diagnosis);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *where = NULL;
  gsize length;
  const char *data;

  for (guint i = 0; i < causes->len; i++)
    if (!rd_server_script_add_cause (script, rd_cause_get_id (g_ptr_array_index (causes, i)), error))
      return FALSE;

  if (rd_server_script_get_n_steps (script) == 0)
    {
      g_printerr (_("%s: none of the fixes for the causes found has a step to run on the server, so no fix script was written.\n"),
                  g_get_prgname ());
      return TRUE;
    }

  bytes = rd_server_script_to_bytes (script);
  data = g_bytes_get_data (bytes, &length);
  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    return FALSE;

  where = rd_target_to_string (rd_diagnosis_get_target (diagnosis));
  g_printerr (_("%s: the fix script for %s (%u steps) is in %s. Run it on the server in PowerShell as an administrator; add -DryRun to see first what it would do.\n"),
              g_get_prgname (), where, rd_server_script_get_n_steps (script), path);
  return TRUE;
}

/* ---- fleet mode: --targets FILE ----------------------------------------- */

/* What a fleet run prints as it goes. The engine (RdFleet) reads, runs and
 * counts; this only formats. */
typedef struct
{
  GMainLoop     *loop;
  RdFleet       *fleet;
  const char    *where;          /* the list's name in messages */
  gboolean       json;
  gboolean       progress_tty;   /* stderr is a terminal: one line, redrawn */
  gboolean       progress_shown; /* that line is on the screen now */
  RdFleetCounts  progress_last;  /* what the last progress said */
  gint64         progress_last_us;
  gboolean       done;
  gboolean       ok;
  GError        *error;
} Fleet;

/* Redraws a terminal's progress line at most this often; elsewhere (a log
 * file, a pipe) a progress line is written at most once a second, and only
 * when something changed. */
#define PROGRESS_TTY_MS   100
#define PROGRESS_LOG_MS   1000

/* Of a rejected line, this many characters are quoted; the parser's
 * message, which may quote it too, is cut after MESSAGE_CHARS. */
#define QUOTE_CHARS   80
#define MESSAGE_CHARS 300

/* @text as it may be shown on a terminal: no control or formatting
 * characters (an escape sequence, a bidirectional override), at most
 * @max_chars characters */
static char *
quote_for_terminal (const char *text,
                    guint       max_chars)
{
  GString *shown = g_string_new (NULL);
  guint n = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (n++ == max_chars)
        {
          g_string_append (shown, "…");
          break;
        }
      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT ||
          type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR)
        g_string_append_unichar (shown, 0xFFFD);
      else
        g_string_append_unichar (shown, c);
    }
  return g_string_free (shown, FALSE);
}

/* The host as people typed it, with its port */
static char *
describe_target (RdTarget *target)
{
  const char *host = rd_target_get_display_host (target);

  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, rd_target_get_port (target));
  return g_strdup_printf ("%s:%u", host, rd_target_get_port (target));
}

static void
progress_clear (Fleet *fleet)
{
  if (fleet->progress_shown)
    {
      fputs ("\r\033[K", stderr);
      fleet->progress_shown = FALSE;
    }
}

static char *
format_progress (const RdFleetCounts *counts)
{
  g_autofree char *checked = NULL;
  g_autofree char *running = NULL;
  g_autofree char *bad = NULL;

  if (counts->end_of_input)
    /* Translators: diagnoses finished, of how many hosts the list holds */
    checked = g_strdup_printf (_("checked %u of %u"), counts->finished, counts->targets);
  else
    /* Translators: diagnoses finished, of how many hosts read so far; more may follow */
    checked = g_strdup_printf (_("checked %u of ≥%u"), counts->finished, counts->targets);
  running = g_strdup_printf (_("%u running"), counts->running);
  bad = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u bad line", "%u bad lines", counts->rejected),
                         counts->rejected);
  return g_strdup_printf ("%s · %s · %s", checked, running, bad);
}

static gboolean
progress_cb (gpointer user_data)
{
  Fleet *fleet = user_data;
  RdFleetCounts counts;
  g_autofree char *text = NULL;
  gint64 now = g_get_monotonic_time ();

  rd_fleet_get_counts (fleet->fleet, &counts);
  if (fleet->progress_shown && memcmp (&counts, &fleet->progress_last, sizeof counts) == 0)
    return G_SOURCE_CONTINUE;
  if (!fleet->progress_tty &&
      (memcmp (&counts, &fleet->progress_last, sizeof counts) == 0 ||
       now - fleet->progress_last_us < PROGRESS_LOG_MS * G_TIME_SPAN_MILLISECOND))
    return G_SOURCE_CONTINUE;

  fleet->progress_last = counts;
  fleet->progress_last_us = now;
  text = format_progress (&counts);
  if (fleet->progress_tty)
    {
      fprintf (stderr, "\r%s\033[K", text);
      fleet->progress_shown = TRUE;
    }
  else
    fprintf (stderr, "%s\n", text);
  return G_SOURCE_CONTINUE;
}

static void
target_finished_cb (RdFleet     *rd_fleet,
                    guint        line,
                    RdDiagnosis *diagnosis,
                    Fleet       *fleet)
{
  progress_clear (fleet);
  if (fleet->json)
    {
      g_autoptr(JsonNode) root = rd_diagnosis_to_json (diagnosis);
      g_autofree char *text = rd_json_to_string (root, FALSE);

      fputs (text, stdout);
      fputc ('\n', stdout);
    }
  else
    {
      g_autofree char *where = describe_target (rd_diagnosis_get_target (diagnosis));
      RdCause *top = rd_diagnosis_get_top_cause (diagnosis);

      if (top != NULL)
        g_print ("%s: %s [%s]\n", where, rd_cause_get_title (top), rd_cause_get_id (top));
      else if (rd_diagnosis_found_problems (diagnosis))
        g_print ("%s: %s\n", where, _("a check failed or did not finish, and no known cause explains it"));
      else
        g_print ("%s: %s\n", where, _("no problem found"));
    }
  /* each host's line is out as soon as it is known, even into a pipe */
  fflush (stdout);
}

static void
line_rejected_cb (RdFleet      *rd_fleet,
                  guint         line,
                  const char   *text,
                  const GError *error,
                  Fleet        *fleet)
{
  g_autofree char *why = quote_for_terminal (error->message, MESSAGE_CHARS);

  progress_clear (fleet);
  if (text != NULL)
    {
      g_autofree char *shown = quote_for_terminal (text, QUOTE_CHARS);

      /* Translators: the list's file name, a line number, the line's text, and why it is no host */
      g_printerr (_("%s:%u: “%s” is not a valid host: %s\n"), fleet->where, line, shown, why);
    }
  else
    g_printerr ("%s:%u: %s\n", fleet->where, line, why);
}

static void
fleet_done_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Fleet *fleet = user_data;

  fleet->ok = rd_fleet_run_finish (RD_FLEET (source_object), result, NULL, &fleet->error);
  fleet->done = TRUE;
  g_main_loop_quit (fleet->loop);
}

/* How many hosts had each most likely cause, how many none, and how many
 * lines were rejected: to stdout after the hosts' lines, or to stderr when
 * stdout carries JSON. */
static void
print_summary (RdFleet  *rd_fleet,
               gboolean  cancelled,
               FILE     *out)
{
  g_autoptr(GPtrArray) tallies = rd_fleet_get_tallies (rd_fleet);
  RdFleetCounts counts;
  g_autofree char *heading = NULL;
  guint width = 1;
  guint clean;

  rd_fleet_get_counts (rd_fleet, &counts);
  clean = counts.finished - counts.problems;
  for (guint n = MAX (MAX (counts.finished, counts.rejected), 1); n >= 10; n /= 10)
    width++;

  /* built first: with the sanitizers gcc cannot see that gettext never
   * returns NULL, and refuses a format it cannot check in fprintf */
  heading = cancelled
              ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Summary of %u host checked before the run was cancelled:",
                                              "Summary of %u hosts checked before the run was cancelled:",
                                              counts.finished),
                                 counts.finished)
              : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Summary of %u host:", "Summary of %u hosts:",
                                              counts.finished),
                                 counts.finished);
  fprintf (out, "\n%s\n", heading);

  for (guint i = 0; i < tallies->len; i++)
    {
      RdFleetTally *tally = g_ptr_array_index (tallies, i);

      if (tally->cause_id != NULL)
        fprintf (out, "  %*u  %s: %s\n", (int) width, tally->hosts, tally->cause_id, tally->title);
      else
        fprintf (out, "  %*u  %s\n", (int) width, tally->hosts,
                 _("a check failed or did not finish, and no known cause explains it"));
    }
  fprintf (out, "  %*u  %s\n", (int) width, clean, _("no problem found"));
  fprintf (out, "  %*u  %s\n", (int) width, counts.rejected, _("lines rejected"));
  fflush (out);
}

/* What one diagnosis may hold open at once: its connections (16 at most, see
 * the README's "Connections"), and a wakeup descriptor per check thread;
 * plus what the program itself keeps open. */
#define FDS_PER_DIAGNOSIS 20
#define FDS_RESERVE       64

/* Raises the soft limit on open files as far as @jobs diagnoses need (the
 * usual 1024 is kept low for select(), which GLib does not use), within the
 * hard limit; where that is not enough, fewer run at once, and the user is
 * told. Returns: how many may run at once. */
static guint
fit_jobs_to_open_files (guint jobs)
{
  rlim_t wanted = (rlim_t) jobs * FDS_PER_DIAGNOSIS + FDS_RESERVE;
  struct rlimit limit;
  guint fit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted)
    return jobs;

  if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max > limit.rlim_cur)
    {
      struct rlimit raised = limit;

      raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : MIN (wanted, limit.rlim_max);
      if (setrlimit (RLIMIT_NOFILE, &raised) == 0)
        limit = raised;
    }
  if (limit.rlim_cur >= wanted)
    return jobs;

  fit = limit.rlim_cur > FDS_RESERVE + FDS_PER_DIAGNOSIS ? (guint) ((limit.rlim_cur - FDS_RESERVE) / FDS_PER_DIAGNOSIS) : 1;
  g_printerr (_("%s: this system lets the program open %llu files, enough to check %u hosts at once, not %u; checking %u at a time\n"),
              g_get_prgname (), (unsigned long long) limit.rlim_cur, fit, jobs, fit);
  return fit;
}

/* Opens the list: "-" is standard input. A file is opened by descriptor, so
 * that a pipe (a FIFO, bash's <(…)) is read without blocking the main loop. */
static GInputStream *
open_targets (const char  *path,
              GError     **error)
{
  struct stat info;
  int fd;

  if (g_str_equal (path, "-"))
    return g_unix_input_stream_new (STDIN_FILENO, FALSE);

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &info) != 0 || S_ISDIR (info.st_mode))
    {
      int saved = fd < 0 ? errno : (S_ISDIR (info.st_mode) ? EISDIR : errno);

      if (fd >= 0)
        close (fd);
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
      return NULL;
    }
  return g_unix_input_stream_new (fd, TRUE);
}

static int
run_fleet (Cli                *cli,
           const char         *path,
           guint               jobs,
           guint               deadline_ms,
           const char         *gateway_text,
           const RdUserReport *report,
           gboolean            json)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(RdFleet) rd_fleet = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  RdFleetCounts counts;
  Fleet fleet = { NULL, };
  guint progress_id;

  where = g_str_equal (path, "-") ? g_strdup (_("(standard input)")) : g_filename_display_name (path);
  stream = open_targets (path, &error);
  if (stream == NULL)
    {
      /* Translators: the program, the file named after --targets, and why it cannot be read */
      g_printerr (_("%s: cannot read the list of targets %s: %s\n"), g_get_prgname (), where, error->message);
      return EXIT_BAD_INPUT;
    }

  rd_fleet = rd_fleet_new ();
  rd_fleet_set_jobs (rd_fleet, fit_jobs_to_open_files (jobs));
  rd_fleet_set_deadline_ms (rd_fleet, deadline_ms);
  rd_fleet_set_user_report (rd_fleet, report);
  if (gateway_text != NULL)
    rd_fleet_set_option (rd_fleet, RD_OPTION_GATEWAY, g_variant_new_string (gateway_text));

  fleet.loop = cli->loop;
  fleet.fleet = rd_fleet;
  fleet.where = where;
  fleet.json = json;
  fleet.progress_tty = isatty (STDERR_FILENO);
  fleet.progress_last_us = g_get_monotonic_time ();
  g_signal_connect (rd_fleet, "target-finished", G_CALLBACK (target_finished_cb), &fleet);
  g_signal_connect (rd_fleet, "line-rejected", G_CALLBACK (line_rejected_cb), &fleet);
  progress_id = g_timeout_add (fleet.progress_tty ? PROGRESS_TTY_MS : PROGRESS_LOG_MS, progress_cb, &fleet);

  rd_fleet_run_async (rd_fleet, stream, cli->cancellable, fleet_done_cb, &fleet);
  if (!fleet.done)
    g_main_loop_run (cli->loop);

  g_source_remove (progress_id);
  progress_clear (&fleet);
  rd_fleet_get_counts (rd_fleet, &counts);

  if (!fleet.ok && g_error_matches (fleet.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      print_summary (rd_fleet, TRUE, json ? stderr : stdout);
      g_printerr ("%s: %s\n", g_get_prgname (), fleet.error->message);
      g_clear_error (&fleet.error);
      return EXIT_INTERNAL;
    }

  print_summary (rd_fleet, FALSE, json ? stderr : stdout);
  if (!fleet.ok)
    {
      g_printerr (_("%s: cannot read the list of targets %s: %s\n"), g_get_prgname (), where, fleet.error->message);
      g_clear_error (&fleet.error);
      return EXIT_BAD_INPUT;
    }
  if (counts.targets == 0 && counts.rejected == 0)
    {
      g_printerr (_("%s: %s holds no host to check: each line should name one, such as server.example.com or 192.0.2.10:3389\n"),
                  g_get_prgname (), where);
      return EXIT_BAD_INPUT;
    }
  /* A rejected line outranks a problem found: the list was not checked
   * whole, and a script must not take the rest for the full answer. */
  if (counts.rejected > 0)
    return EXIT_BAD_INPUT;
  return counts.problems > 0 ? EXIT_PROBLEMS : EXIT_NO_PROBLEM;
}

static void
setup_locale (void)
{
  const char *localedir = g_getenv ("RD_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

int
main (int   argc,
      char *argv[])
{
  gboolean json = FALSE;
  gboolean version = FALSE;
  g_autofree char *code_text = NULL;
  g_autofree char *client_security = NULL;
  g_autofree char *evidence_file = NULL;
  g_autofree char *fix_script_file = NULL;
  gboolean evidence_script = FALSE;
  g_autofree char *targets_file = NULL;
  g_autofree char *jobs_text = NULL;
  guint64 jobs = RD_FLEET_DEFAULT_JOBS;
  g_autoptr(RdCheckResult) server_evidence = NULL;
  g_autofree char *gateway_text = NULL;
  g_autoptr(RdErrorCode) error_code = NULL;
  RdUserReport report = { FALSE, 0, NULL };
  double timeout_seconds = RD_RUNNER_DEFAULT_DEADLINE_MS / 1000.0;
  g_auto(GStrv) arguments = NULL;
  const GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON document on standard output instead of text"), NULL },
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout_seconds,
      N_("Give each check at most SECONDS to answer (default 5)"), N_("SECONDS") },
    { "code", 'c', 0, G_OPTION_ARG_STRING, &code_text,
      N_("The error the client showed, such as 0x904:0x7 or ERRCONNECT_CONNECT_TRANSPORT_FAILED"), N_("CODE") },
    { "client-security", 0, 0, G_OPTION_ARG_STRING, &client_security,
      N_("What the client is set to offer: rdp, tls, nla, or a comma-separated list"), N_("LIST") },
    { "gateway", 'g', 0, G_OPTION_ARG_STRING, &gateway_text,
      N_("Connect through this Remote Desktop Gateway, and check it (port 443 unless given)"), N_("HOST[:PORT]") },
    { "evidence", 0, 0, G_OPTION_ARG_FILENAME, &evidence_file,
      N_("Use the server’s own evidence: what the evidence script printed on the server (- reads standard input)"), N_("FILE") },
    { "evidence-script", 0, 0, G_OPTION_ARG_NONE, &evidence_script,
      N_("Print the read-only PowerShell script that collects the server’s evidence, and exit"), NULL },
    { "fix-script", 0, 0, G_OPTION_ARG_FILENAME, &fix_script_file,
      N_("Save the server-side steps of the fixes for the causes found as one PowerShell script"), N_("FILE") },
    { "targets", 'T', 0, G_OPTION_ARG_FILENAME, &targets_file,
      N_("Check every host listed in FILE, one per line (- reads standard input)"), N_("FILE") },
    { "jobs", 0, 0, G_OPTION_ARG_STRING, &jobs_text,
      N_("With --targets, check at most N hosts at once (default 32)"), N_("N") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &arguments, NULL, N_("HOST[:PORT]") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RdTarget) target = NULL;
  g_autoptr(RdTarget) gateway = NULL;
  g_autoptr(RdRunner) runner = NULL;
  g_autoptr(RdDiagnosis) diagnosis = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  Cli cli = { NULL, };
  int status;

  setup_locale ();
  g_set_prgname ("rdp-doctor-cli");

  /* Ctrl-C and SIGTERM cancel the run (exit 3) whenever they come, however
   * early; they are handled until the end, so that one arriving while the
   * report is printed cannot cut it short. */
  cancellable = g_cancellable_new ();
  cli.cancellable = cancellable;
  g_unix_signal_add (SIGINT, interrupted_cb, &cli);
  g_unix_signal_add (SIGTERM, interrupted_cb, &cli);

  /* The gateway probe must speak HTTP/1.1 as RD Gateway clients do; libsoup 3.2
   * offers HTTP/2 unless told so, and reads this before any thread starts. */
  g_setenv ("SOUP_FORCE_HTTP1", "1", FALSE);

  context = g_option_context_new (_("HOST[:PORT] — find out why a Remote Desktop connection fails"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  description = g_strconcat (
    _("Checks what can be checked from this computer and names the most likely cause.\n"
      "HOST may be a name, an IPv4 address, or an IPv6 address ([2001:db8::1]:3389).\n"
      "\n"
      "Exit status: 0 no problem found, 1 problems found, 2 bad input or usage,\n"
      "3 internal error or cancelled."),
    "\n\n",
    _("With --targets FILE, each line of FILE names one host as HOST above; blank\n"
      "lines and comments (from a “#” at the start or after a blank) are skipped.\n"
      "Each host gets one line on standard output, in the order they finish (with\n"
      "--json, one compact JSON report per line), then a summary; progress and bad\n"
      "lines go to standard error. Exit status: 3 if cancelled, else 2 if any line\n"
      "was rejected (the others are still checked), else 1 if any host has a\n"
      "problem, else 0."),
    NULL);
  g_option_context_set_description (context, description);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      /* GLib's own words ("Invalid byte sequence in conversion input") do
       * not say which argument or what to do */
      if (error->domain == G_CONVERT_ERROR)
        g_printerr (_("%s: an argument is not readable text (%s); type it again\n"),
                    g_get_prgname (), error->message);
      else
        g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return EXIT_BAD_INPUT;
    }
  if (version)
    {
      g_print ("rdp-doctor-cli %s\n", PACKAGE_VERSION);
      return EXIT_NO_PROBLEM;
    }
  if (targets_file != NULL)
    {
      const char *single_only = evidence_file != NULL ? "--evidence" :
                                fix_script_file != NULL ? "--fix-script" :
                                evidence_script ? "--evidence-script" : NULL;

      if (arguments != NULL)
        {
          g_printerr (_("%s: give either --targets or one host, not both\n"), g_get_prgname ());
          return EXIT_BAD_INPUT;
        }
      if (single_only != NULL)
        {
          /* Translators: %s is an option such as --evidence */
          g_printerr (_("%s: %s is about one host and cannot be used with --targets\n"),
                      g_get_prgname (), single_only);
          return EXIT_BAD_INPUT;
        }
      if (jobs_text != NULL &&
          !g_ascii_string_to_unsigned (jobs_text, 10, 1, RD_FLEET_MAX_JOBS, &jobs, NULL))
        {
          g_printerr (_("%s: --jobs must be a whole number from 1 to %u\n"),
                      g_get_prgname (), RD_FLEET_MAX_JOBS);
          return EXIT_BAD_INPUT;
        }
    }
  else if (jobs_text != NULL)
    {
      g_printerr (_("%s: --jobs only applies with --targets\n"), g_get_prgname ());
      return EXIT_BAD_INPUT;
    }
  if (evidence_script)
    {
      g_autoptr(GBytes) script = rd_server_evidence_get_script ();
      gsize length;
      const char *data = g_bytes_get_data (script, &length);

      return fwrite (data, 1, length, stdout) == length && fflush (stdout) == 0 ? EXIT_NO_PROBLEM : EXIT_INTERNAL;
    }
  if (targets_file == NULL && (arguments == NULL || g_strv_length (arguments) != 1))
    {
      g_printerr (_("%s: give exactly one host to check, such as server.example.com or 192.0.2.10:3389\n"),
                  g_get_prgname ());
      g_printerr (_("Run “%s --help” to see the options.\n"), g_get_prgname ());
      return EXIT_BAD_INPUT;
    }
  if (!(timeout_seconds > 0.0 && timeout_seconds <= MAX_TIMEOUT_SECONDS))
    {
      g_printerr (_("%s: --timeout must be more than 0 and at most %.0f seconds\n"),
                  g_get_prgname (), MAX_TIMEOUT_SECONDS);
      return EXIT_BAD_INPUT;
    }

  if (targets_file == NULL)
    {
      target = rd_target_parse (arguments[0], RD_DEFAULT_RDP_PORT, &error);
      if (target == NULL)
        {
          g_printerr ("%s: %s\n", g_get_prgname (), error->message);
          return EXIT_BAD_INPUT;
        }
    }
  if (code_text != NULL)
    {
      error_code = rd_error_code_parse (code_text, &error);
      if (error_code == NULL)
        {
          g_printerr ("%s: --code: %s\n", g_get_prgname (), error->message);
          return EXIT_BAD_INPUT;
        }
      report.error_code = error_code;
    }
  if (client_security != NULL && !parse_client_security (client_security, &report, &error))
    {
      g_printerr ("%s: --client-security: %s\n", g_get_prgname (), error->message);
      return EXIT_BAD_INPUT;
    }

  if (gateway_text != NULL)
    {
      gateway = rd_target_parse (gateway_text, RD_DEFAULT_GATEWAY_PORT, &error);
      if (gateway == NULL)
        {
          /* Translators: the first %s is the program, the second what was typed after --gateway */
          g_printerr (_("%s: the Remote Desktop Gateway “%s” is not valid: %s\n"),
                      g_get_prgname (), gateway_text, error->message);
          return EXIT_BAD_INPUT;
        }
    }

  /* The server's evidence is read before anything is probed: bad input
   * stops here. */
  if (evidence_file != NULL)
    {
      g_autoptr(GBytes) bytes = read_evidence (evidence_file, &error);

      if (bytes != NULL)
        server_evidence = rd_server_evidence_import_bytes (bytes, &error);
      if (server_evidence == NULL)
        {
          g_printerr ("%s: --evidence %s: %s\n", g_get_prgname (), evidence_file, error->message);
          return EXIT_BAD_INPUT;
        }
    }

  loop = g_main_loop_new (NULL, FALSE);
  cli.loop = loop;

  if (targets_file != NULL)
    return run_fleet (&cli, targets_file, (guint) jobs, (guint) (timeout_seconds * 1000.0 + 0.5),
                      gateway_text, &report, json);

  runner = rd_checks_new_runner ();
  rd_runner_set_deadline_ms (runner, (guint) (timeout_seconds * 1000.0 + 0.5));
  if (gateway != NULL)
    rd_runner_set_option (runner, RD_OPTION_GATEWAY, g_variant_new_string (gateway_text));

  cli.show_progress = !json && isatty (STDERR_FILENO) && !isatty (STDOUT_FILENO);
  g_signal_connect (runner, "check-finished", G_CALLBACK (check_finished_cb), &cli);

  rd_runner_run_async (runner, target, NULL, cancellable, run_done_cb, &cli);
  g_main_loop_run (loop);

  if (cli.results == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), cli.error->message);
      g_clear_error (&cli.error);
      return EXIT_INTERNAL;
    }

  if (server_evidence != NULL)
    g_ptr_array_add (cli.results, g_object_ref (server_evidence));
  diagnosis = rd_diagnosis_new_with_report (target, cli.results, rd_catalog_get_default (), &report);
  g_ptr_array_unref (cli.results);

  if (json)
    {
      g_autoptr(JsonNode) root = rd_diagnosis_to_json (diagnosis);
      g_autofree char *text = rd_json_to_string (root, TRUE);

      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *text = rd_diagnosis_to_text (diagnosis);

      g_print ("%s", text);
    }

  if (fix_script_file != NULL && !write_fix_script (diagnosis, fix_script_file, &error))
    {
      g_printerr ("%s: --fix-script %s: %s\n", g_get_prgname (), fix_script_file, error->message);
      return EXIT_BAD_INPUT;
    }

  status = rd_diagnosis_found_problems (diagnosis) ? EXIT_PROBLEMS : EXIT_NO_PROBLEM;
  return status;
}
