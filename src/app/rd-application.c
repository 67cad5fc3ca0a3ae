/* rd-application.c: the wizard's GApplication: command line, app actions, one window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-application"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "rd-application.h"
#include "rd-profile.h"
#include "rd-window.h"

struct _RdApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (RdApplication, rd_application, ADW_TYPE_APPLICATION)

/* Set by rd_application_choose_renderer() for GTK's start-up only */
static const char *renderer_switch;

static const GOptionEntry option_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and quit"), NULL },
  { NULL }
};

static RdWindow *
get_window (RdApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (RD_IS_WINDOW (window))
    return RD_WINDOW (window);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (RD_IS_WINDOW (l->data))
      return RD_WINDOW (l->data);

  return rd_window_new (GTK_APPLICATION (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  RdApplication *self = user_data;
  const char *developers[] = { _("The RDP Doctor contributors"), NULL };

  g_assert (RD_IS_APPLICATION (self));

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("RDP Doctor"),
                         "application-icon", APP_ID,
                         "developer-name", _("The RDP Doctor contributors"),
                         "developers", developers,
                         "version", PACKAGE_VERSION,
                         "comments", _("Finds out why a Remote Desktop connection fails, and how to fix it."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: put your names here, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_action, NULL, NULL, NULL },
  { "quit", quit_action, NULL, NULL, NULL },
};

static void
rd_application_startup (GApplication *application)
{
  rd_profile_mark ("startup");
  G_APPLICATION_CLASS (rd_application_parent_class)->startup (application);
  rd_profile_mark ("startup-done");

  /* GDK has read its switch; the programs the wizard starts (a browser, a
   * Remote Desktop client) choose for themselves. The renderer goes where
   * GTK's inspector puts its own, on the display, read for every window. */
  if (renderer_switch != NULL)
    {
      g_unsetenv (renderer_switch);
      g_unsetenv ("GSK_RENDERER");
      g_object_set_data_full (G_OBJECT (gdk_display_get_default ()), "gsk-renderer",
                              g_strdup ("cairo"), g_free);
      renderer_switch = NULL;
    }

  g_action_map_add_action_entries (G_ACTION_MAP (application),
                                   app_actions, G_N_ELEMENTS (app_actions),
                                   application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "window.close",
                                         (const char *[]) { "<Control>w", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "win.show-help-overlay",
                                         (const char *[]) { "<Control>question", NULL });
}

static void
rd_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (get_window (RD_APPLICATION (application))));
}

static int
rd_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", "rdp-doctor", PACKAGE_VERSION);
      return 0;
    }

  return -1;
}

/* An argument is a file when it says so (".rdp"), or when a file of that
 * name exists where the command ran: a host name has no slash and rarely
 * names a file. */
static gboolean
is_rdp_file (GApplicationCommandLine *command_line,
             const char              *arg)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *lower = g_ascii_strdown (arg, -1);

  if (g_str_has_suffix (lower, ".rdp"))
    return TRUE;
  if (strchr (arg, '/') == NULL)
    return FALSE;
  file = g_application_command_line_create_file_for_arg (command_line, arg);
  return g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_REGULAR;
}

/* rdp-doctor [HOST[:PORT] | FILE.rdp]: a target on the command line is checked at once.
 * HANDLES_OPEN would turn "host:3389" into a URI with the scheme "host", so
 * the application takes its command line as text. */
static int
rd_application_command_line (GApplication            *application,
                             GApplicationCommandLine *command_line)
{
  RdApplication *self = RD_APPLICATION (application);
  g_auto(GStrv) argv = NULL;
  RdWindow *window;
  int argc = 0;

  argv = g_application_command_line_get_arguments (command_line, &argc);

  if (argc > 2)
    {
      g_application_command_line_printerr (command_line, "%s\n",
                                           _("Only one computer can be checked at a time."));
      return 2;
    }

  window = get_window (self);
  gtk_window_present (GTK_WINDOW (window));

  if (argc == 2 && is_rdp_file (command_line, argv[1]))
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, argv[1]);

      rd_window_diagnose_file (window, file);
    }
  else if (argc == 2)
    {
      g_autofree char *text = g_filename_to_utf8 (argv[1], -1, NULL, NULL, NULL);

      /* Text that is not UTF-8 still goes in, so the start page can say why it
       * is refused. */
      rd_window_diagnose (window, text != NULL ? text : argv[1]);
    }

  return 0;
}

static void
rd_application_class_init (RdApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = rd_application_startup;
  app_class->activate = rd_application_activate;
  app_class->handle_local_options = rd_application_handle_local_options;
  app_class->command_line = rd_application_command_line;
}

static void
rd_application_init (RdApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[HOST[:PORT] | FILE.rdp]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Finds out why a Remote Desktop connection to HOST fails."));
}

/**
 * rd_application_choose_renderer:
 *
 * Without a GPU, OpenGL is Mesa's llvmpipe: GTK's GL renderer then draws
 * every frame on the CPU, and merely setting GL up loads LLVM. On two cores
 * that is a slower start (by about 130 ms), 130 MB more memory, and a
 * checking page that drops to 20 frames a second; GTK's cairo renderer draws
 * the same pages at full rate. So with no GPU render node, GL and Vulkan stay
 * off, unless the user chose a renderer or GDK's switches themselves.
 *
 * Call it in main(), before GTK starts.
 */
void
rd_application_choose_renderer (void)
{
  g_autoptr(GDir) dri = NULL;
  const char *name;

  if (g_getenv ("GSK_RENDERER") != NULL || g_getenv ("GDK_DEBUG") != NULL ||
      g_getenv ("GDK_DISABLE") != NULL)
    return;

  dri = g_dir_open ("/dev/dri", 0, NULL);
  while (dri != NULL && (name = g_dir_read_name (dri)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return;

  /* Named, or GSK tries GL first and says so on stderr. GTK 4.16 moved the
   * switches from GDK_DEBUG to GDK_DISABLE. */
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  if (gtk_get_major_version () == 4 && gtk_get_minor_version () < 16)
    {
      renderer_switch = "GDK_DEBUG";
      g_setenv (renderer_switch, "gl-disable,vulkan-disable", TRUE);
    }
  else
    {
      renderer_switch = "GDK_DISABLE";
      g_setenv (renderer_switch, "gl,vulkan", TRUE);
    }
}

RdApplication *
rd_application_new (void)
{
  return g_object_new (RD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}
