/* rd-server-script.c: one PowerShell script, for the host's administrator,
 * that runs the server-side steps of the fixes the user picked
 *
 * The script is made to be read before it is run: a header says what it is,
 * for which host, made when and by which version; every step carries its
 * text as a comment, prints its number and text before it runs, and stops
 * the script at the first error. It checks for an administrator first, and
 * -DryRun prints each command instead of running it.
 *
 * Every value in it that does not come from this file is inert: the target's
 * host goes through rd_catalog_command_render() (quoted for PowerShell), the
 * translated texts are printed from single-quoted literals (rd_shell_quote())
 * and put in comments only after rd_server_script_comment_text() took out
 * whatever could end a comment line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-server-script"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "rd-cause.h"
#include "rd-diagnosis.h"
#include "rd-server-script.h"
#include "rd-target.h"

#define SHELL "powershell"

struct _RdServerScript
{
  GObject      parent_instance;

  RdDiagnosis *diagnosis;
  GPtrArray   *choices;       /* Choice, in the order they were added */
  GDateTime   *generated_at;
};

typedef struct
{
  RdCause            *cause;
  const RdCatalogFix *fix;    /* owned by the catalog */
} Choice;

/* One step of the script */
typedef struct
{
  const Choice        *choice;
  const RdCatalogStep *step;
  char                *command;       /* rendered, its values quoted */
  const char          *not_here;      /* why the script only prints it, or NULL */
  guint                duplicate_of;  /* the step that already ran it (1-based), or 0 */
} Entry;

G_DEFINE_FINAL_TYPE (RdServerScript, rd_server_script, G_TYPE_OBJECT)
G_DEFINE_QUARK (rd-server-script-error-quark, rd_server_script_error)

/* The catalog's PowerShell steps are for the host, except these: programs of
 * the Windows client, and a command whose argument the catalog only gives as
 * an example (the session to sign out). The script prints them as notes. */
static const struct
{
  const char *prefix;
  const char *why;
} not_for_host[] = {
  { "mstsc", N_("it runs on the Windows computer you connect from") },
  { "cmdkey", N_("it runs on the Windows computer you connect from") },
  { "logoff ", N_("pick the session ID from the list first, then run it by hand") },
};

static void
choice_free (Choice *choice)
{
  g_object_unref (choice->cause);
  g_free (choice);
}

static void
entry_clear (Entry *entry)
{
  g_free (entry->command);
}

/* A cause that only the gateway check tells fixed is about the Remote
 * Desktop Gateway: its commands run on the gateway server, not on the host.
 * (The catalog does not say where a command runs; see the report to the lead.) */
static gboolean
is_gateway_cause (RdCause *cause)
{
  const char * const *recheck = rd_cause_get_recheck (cause);

  if (recheck == NULL || recheck[0] == NULL)
    return FALSE;
  for (guint i = 0; recheck[i] != NULL; i++)
    if (!g_str_equal (recheck[i], "gateway"))
      return FALSE;
  return TRUE;
}

static const char *
why_not_here (RdCause    *cause,
              const char *command)
{
  if (is_gateway_cause (cause))
    return _("it runs on the Remote Desktop Gateway server, not on this computer");

  while (g_ascii_isspace (*command))
    command++;
  for (guint i = 0; i < G_N_ELEMENTS (not_for_host); i++)
    if (g_ascii_strncasecmp (command, not_for_host[i].prefix, strlen (not_for_host[i].prefix)) == 0)
      return _(not_for_host[i].why);
  return NULL;
}

static gboolean
is_powershell_step (const RdCatalogStep *step)
{
  return step->command != NULL && step->command->text != NULL &&
         g_strcmp0 (step->command->shell, SHELL) == 0;
}

/**
 * rd_server_script_fix_has_steps:
 *
 * Returns: whether @fix has a step for the server script: the wizard offers
 *   to save a script only for such fixes
 */
gboolean
rd_server_script_fix_has_steps (const RdCatalogFix *fix)
{
  g_return_val_if_fail (fix != NULL, FALSE);

  for (guint i = 0; i < fix->steps->len; i++)
    if (is_powershell_step (g_ptr_array_index (fix->steps, i)))
      return TRUE;
  return FALSE;
}

/**
 * rd_server_script_comment_text:
 * @text: a text for a PowerShell comment, such as a translated step text
 *
 * Makes @text safe to follow "# " on one line: line breaks of every kind
 * (CR, LF, VT, FF, NEL, U+2028, U+2029) become spaces, other control
 * characters and the direction overrides (which can make a comment show
 * other text than it holds) are dropped, and the block comment marks "<#"
 * and "#>" are broken up. Invalid UTF-8 is repaired.
 *
 * Returns: (transfer full): the text for the comment
 */
char *
rd_server_script_comment_text (const char *text)
{
  g_autofree char *valid = NULL;
  g_autoptr(GString) clean = g_string_new (NULL);

  g_return_val_if_fail (text != NULL, NULL);

  valid = g_utf8_make_valid (text, -1);
  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r' || c == '\n' || c == '\v' || c == '\f' || c == '\t' ||
          c == 0x85 || c == 0x2028 || c == 0x2029)
        g_string_append_c (clean, ' ');
      else if (g_unichar_iscntrl (c) ||
               c == 0x061C || c == 0x200E || c == 0x200F ||
               (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
        continue;
      else if (c == '>' && clean->len > 0 && clean->str[clean->len - 1] == '#')
        g_string_append (clean, " >");
      else if (c == '#' && clean->len > 0 && clean->str[clean->len - 1] == '<')
        g_string_append (clean, " #");
      else
        g_string_append_unichar (clean, c);
    }
  return g_string_free (g_steal_pointer (&clean), FALSE);
}

static void
append_comment (GString    *script,
                const char *text)
{
  g_autofree char *clean = rd_server_script_comment_text (text);

  g_string_append_printf (script, "# %s\n", clean);
}

/* Write-Host with @text as one single-quoted literal: nothing in it is run */
static void
append_print (GString    *script,
              const char *indent,
              const char *text,
              const char *color)
{
  g_autofree char *flat = rd_server_script_comment_text (text);
  g_autofree char *quoted = rd_shell_quote (SHELL, flat);

  g_string_append_printf (script, "%sWrite-Host %s%s%s\n", indent, quoted,
                          color != NULL ? " -ForegroundColor " : "", color != NULL ? color : "");
}

static GArray *
collect_entries (RdServerScript *self)
{
  RdTarget *target = rd_diagnosis_get_target (self->diagnosis);
  GArray *entries = g_array_new (FALSE, TRUE, sizeof (Entry));

  g_array_set_clear_func (entries, (GDestroyNotify) entry_clear);
  for (guint c = 0; c < self->choices->len; c++)
    {
      const Choice *choice = g_ptr_array_index (self->choices, c);

      for (guint s = 0; s < choice->fix->steps->len; s++)
        {
          const RdCatalogStep *step = g_ptr_array_index (choice->fix->steps, s);
          Entry entry = { choice, step, NULL, NULL, 0 };

          if (!is_powershell_step (step))
            continue;
          entry.command = rd_catalog_command_render (step->command, target);
          entry.not_here = why_not_here (choice->cause, entry.command);
          /* Several fixes restart the same service: once is enough */
          for (guint i = 0; i < entries->len && entry.not_here == NULL; i++)
            {
              Entry *earlier = &g_array_index (entries, Entry, i);

              if (earlier->duplicate_of == 0 && earlier->not_here == NULL &&
                  g_str_equal (earlier->command, entry.command))
                {
                  entry.duplicate_of = i + 1;
                  break;
                }
            }
          g_array_append_val (entries, entry);
        }
    }
  return entries;
}

static void
append_header (RdServerScript *self,
               GString        *script)
{
  RdTarget *target = rd_diagnosis_get_target (self->diagnosis);
  g_autofree char *when = g_date_time_format (self->generated_at, "%Y-%m-%d %H:%M UTC");
  g_autofree char *line = NULL;

  append_comment (script, _("RDP Doctor: server fix script"));
  append_comment (script, _("What: the steps on the remote computer of the fixes chosen in RDP Doctor, in one script."));
  if (g_strcmp0 (rd_target_get_host (target), rd_target_get_display_host (target)) != 0)
    line = g_strdup_printf (_("For: %s (%s), port %u"), rd_target_get_display_host (target),
                            rd_target_get_host (target), rd_target_get_port (target));
  else
    line = g_strdup_printf (_("For: %s, port %u"), rd_target_get_host (target), rd_target_get_port (target));
  append_comment (script, line);
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf (_("Generated: %s by RDP Doctor %s"), when, PACKAGE_VERSION);
  append_comment (script, line);
  g_clear_pointer (&line, g_free);
  g_string_append (script, "#\n");

  append_comment (script, _("Fixes:"));
  for (guint i = 0; i < self->choices->len; i++)
    {
      const Choice *choice = g_ptr_array_index (self->choices, i);

      line = g_strdup_printf ("  %s / %s: %s", rd_cause_get_id (choice->cause), choice->fix->id, choice->fix->title);
      append_comment (script, line);
      g_clear_pointer (&line, g_free);
    }
  g_string_append (script, "#\n");

  append_comment (script, _("Run it on the remote computer, in PowerShell started as an administrator:"));
  append_comment (script, _("  to see what each step would run, without changing anything:"));
  g_string_append (script, "#     powershell -NoProfile -ExecutionPolicy Bypass -File <this file> -DryRun\n");
  append_comment (script, _("  to run the steps:"));
  g_string_append (script, "#     powershell -NoProfile -ExecutionPolicy Bypass -File <this file>\n");
  append_comment (script, _("Each step prints its number and text before it runs. The script stops at the first error."));
  g_string_append (script, "\n");
}

static void
append_prologue (GString *script)
{
  g_string_append (script,
                   "param([switch]$DryRun)\n"
                   "\n"
                   "$ErrorActionPreference = 'Stop'\n"
                   "\n");
  append_comment (script, _("Most steps change system settings: they need an administrator."));
  g_string_append (script,
                   "$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())\n"
                   "if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {\n"
                   "    if (-not $DryRun) {\n");
  append_print (script, "        ",
                _("This script must run as an administrator. Right-click Windows PowerShell, choose “Run as administrator”, and start it again."),
                "Red");
  g_string_append (script,
                   "        exit 1\n"
                   "    }\n");
  append_print (script, "    ", _("Not an administrator: -DryRun only shows the steps."), NULL);
  g_string_append (script, "}\n\n");
}

static void
append_step (GString     *script,
             const Entry *entry,
             guint        number,
             guint        total)
{
  g_autofree char *heading = NULL;
  g_autofree char *line = NULL;

  heading = g_strdup_printf (_("Step %u of %u (%s / %s):"), number, total,
                             rd_cause_get_id (entry->choice->cause), entry->choice->fix->id);
  append_comment (script, heading);
  append_comment (script, entry->step->text);
  line = g_strdup_printf ("[%u/%u] %s", number, total, entry->step->text);
  append_print (script, "", line, "Cyan");
  g_clear_pointer (&line, g_free);

  if (entry->duplicate_of > 0)
    {
      line = g_strdup_printf (_("    Already run in step %u: not run again."), entry->duplicate_of);
      append_print (script, "", line, NULL);
      g_string_append_c (script, '\n');
      return;
    }
  if (entry->not_here != NULL)
    {
      g_autofree char *quoted = rd_shell_quote (SHELL, entry->command);

      line = g_strdup_printf (_("    Not run by this script: %s. The command:"), entry->not_here);
      append_print (script, "", line, NULL);
      g_string_append_printf (script, "Write-Host ('    ' + %s)\n\n", quoted);
      return;
    }

  {
    g_autofree char *would = rd_shell_quote (SHELL, _("    Would run:"));
    g_autofree char *quoted = rd_shell_quote (SHELL, entry->command);
    g_autofree char *exit_code = rd_shell_quote (SHELL, _("the command ended with exit code"));
    g_autofree char *stopped = rd_shell_quote (SHELL, _("Stopped: the steps after this one did not run."));
    g_autofree char *failed_text = g_strdup_printf (_("Step %u failed:"), number);
    g_autofree char *failed = rd_shell_quote (SHELL, failed_text);
    g_auto(GStrv) lines = g_strsplit (entry->command, "\n", -1);

    g_string_append (script, "if ($DryRun) {\n");
    g_string_append_printf (script, "    Write-Host (%s + ' ' + %s)\n", would, quoted);
    g_string_append (script, "} else {\n");
    g_string_append (script, "    try {\n");
    /* native programs (icacls, w32tm) report failure by exit code only */
    g_string_append (script, "        $global:LASTEXITCODE = 0\n");
    for (guint i = 0; lines[i] != NULL; i++)
      g_string_append_printf (script, "        %s\n", lines[i]);
    g_string_append_printf (script, "        if ($LASTEXITCODE -ne 0) { throw (%s + ' ' + $LASTEXITCODE) }\n", exit_code);
    g_string_append (script, "    } catch {\n");
    g_string_append_printf (script, "        Write-Host (%s + ' ' + $_.Exception.Message) -ForegroundColor Red\n", failed);
    g_string_append_printf (script, "        Write-Host %s -ForegroundColor Red\n", stopped);
    g_string_append (script, "        exit 1\n");
    g_string_append (script, "    }\n");
    g_string_append (script, "}\n\n");
  }
}

static void
rd_server_script_dispose (GObject *object)
{
  RdServerScript *self = (RdServerScript *)object;

  g_clear_pointer (&self->choices, g_ptr_array_unref);
  g_clear_object (&self->diagnosis);

  G_OBJECT_CLASS (rd_server_script_parent_class)->dispose (object);
}

static void
rd_server_script_finalize (GObject *object)
{
  RdServerScript *self = (RdServerScript *)object;

  g_clear_pointer (&self->generated_at, g_date_time_unref);

  G_OBJECT_CLASS (rd_server_script_parent_class)->finalize (object);
}

static void
rd_server_script_class_init (RdServerScriptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rd_server_script_dispose;
  object_class->finalize = rd_server_script_finalize;
}

static void
rd_server_script_init (RdServerScript *self)
{
  self->choices = g_ptr_array_new_with_free_func ((GDestroyNotify) choice_free);
  self->generated_at = g_date_time_new_now_utc ();
}

/**
 * rd_server_script_new:
 * @diagnosis: where the causes, their fixes and the target come from
 *
 * Returns: (transfer full): an empty script; add fixes with
 *   rd_server_script_add_fix() or rd_server_script_add_cause()
 */
RdServerScript *
rd_server_script_new (RdDiagnosis *diagnosis)
{
  RdServerScript *self;

  g_return_val_if_fail (RD_IS_DIAGNOSIS (diagnosis), NULL);

  self = g_object_new (RD_TYPE_SERVER_SCRIPT, NULL);
  self->diagnosis = g_object_ref (diagnosis);
  return self;
}

static RdCause *
find_cause (RdServerScript  *self,
            const char      *cause_id,
            GError         **error)
{
  GPtrArray *causes = rd_diagnosis_get_causes (self->diagnosis);

  for (guint i = 0; i < causes->len; i++)
    if (g_strcmp0 (rd_cause_get_id (g_ptr_array_index (causes, i)), cause_id) == 0)
      return g_ptr_array_index (causes, i);

  g_set_error (error, RD_SERVER_SCRIPT_ERROR, RD_SERVER_SCRIPT_ERROR_UNKNOWN_CAUSE,
               "“%s” is not among the causes of this diagnosis", cause_id);
  return NULL;
}

static void
add_choice (RdServerScript     *self,
            RdCause            *cause,
            const RdCatalogFix *fix)
{
  Choice *choice;

  for (guint i = 0; i < self->choices->len; i++)
    if (((Choice *) g_ptr_array_index (self->choices, i))->fix == fix)
      return;

  choice = g_new0 (Choice, 1);
  choice->cause = g_object_ref (cause);
  choice->fix = fix;
  g_ptr_array_add (self->choices, choice);
}

/**
 * rd_server_script_add_fix:
 * @cause_id: a cause of the diagnosis
 * @fix_id: one of the fixes the diagnosis offers for it
 *
 * Adds the fix's PowerShell steps, after those added before. Adding a fix
 * twice adds it once.
 *
 * Returns: %TRUE, or %FALSE with @error set (%RD_SERVER_SCRIPT_ERROR) when
 *   the diagnosis has no such cause or does not offer the fix for it
 */
gboolean
rd_server_script_add_fix (RdServerScript  *self,
                          const char      *cause_id,
                          const char      *fix_id,
                          GError         **error)
{
  RdCause *cause;
  GPtrArray *fixes;

  g_return_val_if_fail (RD_IS_SERVER_SCRIPT (self), FALSE);
  g_return_val_if_fail (cause_id != NULL && fix_id != NULL, FALSE);

  cause = find_cause (self, cause_id, error);
  if (cause == NULL)
    return FALSE;

  fixes = rd_cause_get_fixes (cause);
  for (guint i = 0; i < fixes->len; i++)
    {
      const RdCatalogFix *fix = g_ptr_array_index (fixes, i);

      if (g_strcmp0 (fix->id, fix_id) == 0)
        {
          add_choice (self, cause, fix);
          return TRUE;
        }
    }
  g_set_error (error, RD_SERVER_SCRIPT_ERROR, RD_SERVER_SCRIPT_ERROR_UNKNOWN_FIX,
               "the diagnosis does not offer the fix “%s” for “%s”", fix_id, cause_id);
  return FALSE;
}

/**
 * rd_server_script_add_cause:
 * @cause_id: a cause of the diagnosis
 *
 * Adds every fix the diagnosis offers for the cause.
 *
 * Returns: %TRUE, or %FALSE with @error set when there is no such cause
 */
gboolean
rd_server_script_add_cause (RdServerScript  *self,
                            const char      *cause_id,
                            GError         **error)
{
  RdCause *cause;
  GPtrArray *fixes;

  g_return_val_if_fail (RD_IS_SERVER_SCRIPT (self), FALSE);
  g_return_val_if_fail (cause_id != NULL, FALSE);

  cause = find_cause (self, cause_id, error);
  if (cause == NULL)
    return FALSE;

  fixes = rd_cause_get_fixes (cause);
  for (guint i = 0; i < fixes->len; i++)
    add_choice (self, cause, g_ptr_array_index (fixes, i));
  return TRUE;
}

/**
 * rd_server_script_set_generated_at:
 * @generated_at: when the script counts as made (the header says it); now
 *   unless set
 */
void
rd_server_script_set_generated_at (RdServerScript *self,
                                   GDateTime      *generated_at)
{
  g_return_if_fail (RD_IS_SERVER_SCRIPT (self));
  g_return_if_fail (generated_at != NULL);

  g_clear_pointer (&self->generated_at, g_date_time_unref);
  self->generated_at = g_date_time_to_utc (generated_at);
}

/**
 * rd_server_script_get_n_steps:
 *
 * Returns: how many steps the script has (each PowerShell step of the chosen
 *   fixes, including those it only prints); 0 means there is nothing to save
 */
guint
rd_server_script_get_n_steps (RdServerScript *self)
{
  guint n = 0;

  g_return_val_if_fail (RD_IS_SERVER_SCRIPT (self), 0);

  for (guint c = 0; c < self->choices->len; c++)
    {
      const Choice *choice = g_ptr_array_index (self->choices, c);

      for (guint s = 0; s < choice->fix->steps->len; s++)
        if (is_powershell_step (g_ptr_array_index (choice->fix->steps, s)))
          n++;
    }
  return n;
}

/**
 * rd_server_script_to_string:
 *
 * The script's text, with "\n" line ends, to show. Save
 * rd_server_script_to_bytes() instead.
 *
 * Returns: (transfer full): the script
 */
char *
rd_server_script_to_string (RdServerScript *self)
{
  g_autoptr(GString) script = g_string_new (NULL);
  g_autoptr(GArray) entries = NULL;

  g_return_val_if_fail (RD_IS_SERVER_SCRIPT (self), NULL);

  entries = collect_entries (self);
  append_header (self, script);
  append_prologue (script);
  for (guint i = 0; i < entries->len; i++)
    append_step (script, &g_array_index (entries, Entry, i), i + 1, entries->len);

  {
    g_autofree char *dry = rd_shell_quote (SHELL, _("Dry run: nothing was changed."));
    g_autofree char *done = rd_shell_quote (SHELL, _("All steps ran. Check the connection again with RDP Doctor."));

    g_string_append_printf (script, "if ($DryRun) {\n    Write-Host %s\n} else {\n    Write-Host %s -ForegroundColor Green\n}\n",
                            dry, done);
  }
  return g_string_free (g_steal_pointer (&script), FALSE);
}

/**
 * rd_server_script_to_bytes:
 *
 * The script as a .ps1 file: UTF-8 with a byte order mark and "\r\n" line
 * ends. Windows PowerShell 5.1 reads a file without the mark in the ANSI
 * code page, where the bytes of some letters (ő, ё…) become typographic
 * quotes, which PowerShell takes as quotes: the mark keeps the translated
 * texts inside their literals. Old Notepad needs the "\r\n".
 *
 * Returns: (transfer full): the file's contents
 */
GBytes *
rd_server_script_to_bytes (RdServerScript *self)
{
  g_autofree char *text = NULL;
  GString *file;

  g_return_val_if_fail (RD_IS_SERVER_SCRIPT (self), NULL);

  text = rd_server_script_to_string (self);
  file = g_string_new ("\xEF\xBB\xBF");
  for (const char *p = text; *p; p++)
    {
      if (*p == '\n')
        g_string_append_c (file, '\r');
      g_string_append_c (file, *p);
    }
  return g_string_free_to_bytes (file);
}
