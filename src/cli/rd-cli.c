/* rd-cli.c: rdp-doctor-cli, the engine from a terminal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rdp-doctor-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>
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
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &arguments, NULL, N_("HOST[:PORT]") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = NULL;
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
  g_option_context_set_description (context,
    _("Checks what can be checked from this computer and names the most likely cause.\n"
      "HOST may be a name, an IPv4 address, or an IPv6 address ([2001:db8::1]:3389).\n"
      "\n"
      "Exit status: 0 no problem found, 1 problems found, 2 bad input or usage,\n"
      "3 internal error or cancelled."));

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
  if (evidence_script)
    {
      g_autoptr(GBytes) script = rd_server_evidence_get_script ();
      gsize length;
      const char *data = g_bytes_get_data (script, &length);

      return fwrite (data, 1, length, stdout) == length && fflush (stdout) == 0 ? EXIT_NO_PROBLEM : EXIT_INTERNAL;
    }
  if (arguments == NULL || g_strv_length (arguments) != 1)
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

  target = rd_target_parse (arguments[0], RD_DEFAULT_RDP_PORT, &error);
  if (target == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return EXIT_BAD_INPUT;
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

  runner = rd_checks_new_runner ();
  rd_runner_set_deadline_ms (runner, (guint) (timeout_seconds * 1000.0 + 0.5));
  if (gateway != NULL)
    rd_runner_set_option (runner, RD_OPTION_GATEWAY, g_variant_new_string (gateway_text));

  loop = g_main_loop_new (NULL, FALSE);
  cli.loop = loop;
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
