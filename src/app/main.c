/* main.c: rdp-doctor, the wizard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gi18n-lib.h>

#include "rd-application.h"
#include "rd-profile.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(RdApplication) app = NULL;
  const char *localedir;

  rd_profile_init ();
  rd_application_choose_renderer ();

  /* Before anything else: GtkBuilder translates templates with the text
   * domain that is current when they are built. RD_LOCALEDIR lets an
   * uninstalled build find its catalogs. */
  setlocale (LC_ALL, "");
  localedir = g_getenv ("RD_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = rd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
