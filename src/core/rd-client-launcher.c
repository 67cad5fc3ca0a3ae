/* rd-client-launcher.c: starts this computer's Remote Desktop client on the
 * target, with one fixing option from the catalog
 *
 * The guided action behind "launch-client": the wizard shows the exact
 * command line first (rd_client_launcher_format_command_line()), and only
 * when the user confirms does it start the client (rd_client_launcher_spawn()).
 * The client runs from an argument vector, never through a shell. The host
 * comes from a validated RdTarget, and the option must be one of a short
 * allow-list: nothing the user or a report supplies becomes an option.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-client-launcher"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "rd-catalog.h"
#include "rd-client-launcher.h"
#include "rd-target.h"

typedef enum
{
  CLIENT_FREERDP2,
  CLIENT_FREERDP3,
  CLIENT_REMMINA,
} ClientKind;

struct _RdClientLauncher
{
  GObject     parent_instance;

  char       *program;   /* the client's full path, or NULL when none was found */
  const char *name;
  ClientKind  kind;
};

G_DEFINE_FINAL_TYPE (RdClientLauncher, rd_client_launcher, G_TYPE_OBJECT)
G_DEFINE_QUARK (rd-client-launcher-error-quark, rd_client_launcher_error)

/* In order of preference. A plain "xfreerdp" is taken for FreeRDP 2 (Debian
 * 12 and most distributions); FreeRDP 3 installs itself with the "3". */
static const struct
{
  const char *name;
  ClientKind  kind;
} clients[] = {
  { "xfreerdp3", CLIENT_FREERDP3 },
  { "xfreerdp", CLIENT_FREERDP2 },
  { "sdl-freerdp3", CLIENT_FREERDP3 },
  { "wlfreerdp", CLIENT_FREERDP2 },
  { "remmina", CLIENT_REMMINA },
};

/* Every option the catalog's "launch-client" actions may pass, and nothing
 * else: each one only changes the security the client negotiates. */
static const char * const allowed_options[] = {
  "/sec:rdp",
  "/sec:tls",
  "/sec:nla",
  "/sec:ext",
  "/restricted-admin",
  "/tls-seclevel:0",
  "/tls-seclevel:1",
  "/tls-seclevel:2",
  "/tls-seclevel:3",
  "/tls-seclevel:4",
  "/tls-seclevel:5",
  NULL
};

/**
 * rd_client_launcher_option_is_allowed:
 * @option: (nullable): a FreeRDP option, as the catalog writes it ("/sec:rdp")
 *
 * Returns: whether @option is on the allow-list (compared exactly)
 */
gboolean
rd_client_launcher_option_is_allowed (const char *option)
{
  return option != NULL && g_strv_contains (allowed_options, option);
}

static char *
find_program (const char *name,
              const char *search_path)
{
  g_auto(GStrv) folders = NULL;

  if (search_path == NULL)
    return g_find_program_in_path (name);

  folders = g_strsplit (search_path, G_SEARCHPATH_SEPARATOR_S, -1);
  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autofree char *path = NULL;

      if (*folders[i] == '\0' || !g_path_is_absolute (folders[i]))
        continue;
      path = g_build_filename (folders[i], name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE) && !g_file_test (path, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

static void
look_for_client (RdClientLauncher *self,
                 const char       *search_path)
{
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      self->program = find_program (clients[i].name, search_path);
      if (self->program != NULL)
        {
          self->name = clients[i].name;
          self->kind = clients[i].kind;
          g_debug ("Remote Desktop client: %s", self->program);
          return;
        }
    }
}

static gboolean
check_client (RdClientLauncher  *self,
              GError           **error)
{
  if (self->program != NULL)
    return TRUE;
  g_set_error (error, RD_CLIENT_LAUNCHER_ERROR, RD_CLIENT_LAUNCHER_ERROR_NO_CLIENT,
               _("No Remote Desktop client was found on this computer. Install FreeRDP (the freerdp3-x11 or freerdp2-x11 package) or Remmina."));
  return FALSE;
}

static void
rd_client_launcher_finalize (GObject *object)
{
  RdClientLauncher *self = (RdClientLauncher *)object;

  g_clear_pointer (&self->program, g_free);

  G_OBJECT_CLASS (rd_client_launcher_parent_class)->finalize (object);
}

static void
rd_client_launcher_class_init (RdClientLauncherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rd_client_launcher_finalize;
}

static void
rd_client_launcher_init (RdClientLauncher *self)
{
}

/**
 * rd_client_launcher_new:
 *
 * Looks for an installed client in $PATH: xfreerdp3, xfreerdp,
 * sdl-freerdp3, wlfreerdp, then Remmina.
 *
 * Returns: (transfer full): the launcher; rd_client_launcher_get_program()
 *   says whether a client was found
 */
RdClientLauncher *
rd_client_launcher_new (void)
{
  RdClientLauncher *self = g_object_new (RD_TYPE_CLIENT_LAUNCHER, NULL);

  look_for_client (self, NULL);
  return self;
}

/**
 * rd_client_launcher_new_for_search_path:
 * @search_path: folders to look in, separated like $PATH; relative ones are skipped
 *
 * Returns: (transfer full): the launcher
 */
RdClientLauncher *
rd_client_launcher_new_for_search_path (const char *search_path)
{
  RdClientLauncher *self;

  g_return_val_if_fail (search_path != NULL, NULL);

  self = g_object_new (RD_TYPE_CLIENT_LAUNCHER, NULL);
  look_for_client (self, search_path);
  return self;
}

/**
 * rd_client_launcher_get_program:
 *
 * Returns: (nullable): the full path of the client found, or %NULL
 */
const char *
rd_client_launcher_get_program (RdClientLauncher *self)
{
  g_return_val_if_fail (RD_IS_CLIENT_LAUNCHER (self), NULL);
  return self->program;
}

/**
 * rd_client_launcher_get_client_name:
 *
 * Returns: (nullable): the client's program name ("xfreerdp3"), or %NULL
 */
const char *
rd_client_launcher_get_client_name (RdClientLauncher *self)
{
  g_return_val_if_fail (RD_IS_CLIENT_LAUNCHER (self), NULL);
  return self->name;
}

/**
 * rd_client_launcher_build_argv:
 * @target: where to connect
 * @option: (nullable): one option from the allow-list, as the catalog writes
 *   it for FreeRDP 2 ("/tls-seclevel:0"); it is translated for FreeRDP 3
 *
 * Returns: (transfer full): the client's argument vector, or %NULL with
 *   @error set: no client, an option not on the allow-list, or an option
 *   Remmina cannot take on its command line
 */
GStrv
rd_client_launcher_build_argv (RdClientLauncher  *self,
                               RdTarget          *target,
                               const char        *option,
                               GError           **error)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_autofree char *where = NULL;
  g_autofree char *server = NULL;

  g_return_val_if_fail (RD_IS_CLIENT_LAUNCHER (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  if (option != NULL && !rd_client_launcher_option_is_allowed (option))
    {
      g_autofree char *shown = g_strescape (option, NULL);

      g_set_error (error, RD_CLIENT_LAUNCHER_ERROR, RD_CLIENT_LAUNCHER_ERROR_OPTION_REFUSED,
                   _("“%s” is not an option RDP Doctor gives to a Remote Desktop client."), shown);
      return NULL;
    }
  if (!check_client (self, error))
    return NULL;

  where = rd_target_to_string (target);
  g_strv_builder_add (argv, self->program);

  if (self->kind == CLIENT_REMMINA)
    {
      g_autofree char *uri = NULL;

      if (option != NULL)
        {
          g_set_error (error, RD_CLIENT_LAUNCHER_ERROR, RD_CLIENT_LAUNCHER_ERROR_UNSUPPORTED,
                       _("Remmina cannot take “%s” on its command line. Save the corrected .rdp file instead and open it in Remmina."),
                       option);
          return NULL;
        }
      uri = g_strconcat ("rdp://", where, NULL);
      g_strv_builder_add (argv, "-c");
      g_strv_builder_add (argv, uri);
      return g_strv_builder_end (argv);
    }

  server = g_strconcat ("/v:", where, NULL);
  g_strv_builder_add (argv, server);
  if (option != NULL && self->kind == CLIENT_FREERDP3 && g_str_has_prefix (option, "/tls-seclevel:"))
    {
      /* FreeRDP 3 only keeps the old spelling when built with deprecated options */
      g_autofree char *level = g_strconcat ("/tls:seclevel:", option + strlen ("/tls-seclevel:"), NULL);
      g_strv_builder_add (argv, level);
    }
  else if (option != NULL)
    g_strv_builder_add (argv, option);
  return g_strv_builder_end (argv);
}

/**
 * rd_client_launcher_build_argv_for_file:
 * @rdp_file: the absolute path of an .rdp file (the corrected one the wizard saved)
 *
 * Returns: (transfer full): the argument vector that opens @rdp_file in the
 *   client, or %NULL with @error set
 */
GStrv
rd_client_launcher_build_argv_for_file (RdClientLauncher  *self,
                                        const char        *rdp_file,
                                        GError           **error)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();

  g_return_val_if_fail (RD_IS_CLIENT_LAUNCHER (self), NULL);
  g_return_val_if_fail (rdp_file != NULL, NULL);

  /* absolute, so that it cannot read as an option; FreeRDP knows the file by its suffix */
  if (!g_path_is_absolute (rdp_file) || !g_str_has_suffix (rdp_file, ".rdp") ||
      !g_utf8_validate (rdp_file, -1, NULL))
    {
      g_set_error (error, RD_CLIENT_LAUNCHER_ERROR, RD_CLIENT_LAUNCHER_ERROR_INVALID_ARGV,
                   _("The connection file must be given by its full path and end in .rdp."));
      return NULL;
    }
  if (!check_client (self, error))
    return NULL;

  g_strv_builder_add (argv, self->program);
  if (self->kind == CLIENT_REMMINA)
    g_strv_builder_add (argv, "-c");
  g_strv_builder_add (argv, rdp_file);
  return g_strv_builder_end (argv);
}

/**
 * rd_client_launcher_format_command_line:
 * @argv: an argument vector
 *
 * The command line the wizard shows before the user confirms, and which
 * the user may copy: every element quoted for a POSIX shell
 * (rd_shell_quote()), so that it reads back as exactly @argv.
 *
 * Returns: (transfer full): the command line
 */
char *
rd_client_launcher_format_command_line (const char * const *argv)
{
  g_autoptr(GString) line = g_string_new (NULL);

  g_return_val_if_fail (argv != NULL, NULL);

  for (guint i = 0; argv[i] != NULL; i++)
    {
      g_autofree char *quoted = rd_shell_quote ("sh", argv[i]);

      if (i > 0)
        g_string_append_c (line, ' ');
      g_string_append (line, quoted);
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/**
 * rd_client_launcher_spawn:
 * @argv: what rd_client_launcher_build_argv() (or _for_file()) built
 *
 * Starts the client. Only the client this launcher found may be started.
 * Keep the subprocess to learn, with g_subprocess_wait_async(), when and how
 * it ended.
 *
 * Returns: (transfer full): the running client, or %NULL with @error set
 */
GSubprocess *
rd_client_launcher_spawn (RdClientLauncher    *self,
                          const char * const  *argv,
                          GError             **error)
{
  g_return_val_if_fail (RD_IS_CLIENT_LAUNCHER (self), NULL);
  g_return_val_if_fail (argv != NULL, NULL);

  if (!check_client (self, error))
    return NULL;
  if (argv[0] == NULL || g_strcmp0 (argv[0], self->program) != 0)
    {
      g_set_error (error, RD_CLIENT_LAUNCHER_ERROR, RD_CLIENT_LAUNCHER_ERROR_INVALID_ARGV,
                   "only %s may be started, not %s", self->program, argv[0] != NULL ? argv[0] : "nothing");
      return NULL;
    }
  return g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, error);
}
