/* rd-client-launcher.h: starts this computer's Remote Desktop client on the
 * target, with one fixing option from the catalog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rd-types.h"

G_BEGIN_DECLS

#define RD_CLIENT_LAUNCHER_ERROR (rd_client_launcher_error_quark ())

/**
 * RdClientLauncherError:
 * @RD_CLIENT_LAUNCHER_ERROR_NO_CLIENT: no known client is installed
 * @RD_CLIENT_LAUNCHER_ERROR_OPTION_REFUSED: the option is not on the allow-list
 * @RD_CLIENT_LAUNCHER_ERROR_UNSUPPORTED: the client found cannot take it (Remmina and an option)
 * @RD_CLIENT_LAUNCHER_ERROR_INVALID_ARGV: spawning was asked for another program than the client found
 */
typedef enum
{
  RD_CLIENT_LAUNCHER_ERROR_NO_CLIENT,
  RD_CLIENT_LAUNCHER_ERROR_OPTION_REFUSED,
  RD_CLIENT_LAUNCHER_ERROR_UNSUPPORTED,
  RD_CLIENT_LAUNCHER_ERROR_INVALID_ARGV,
} RdClientLauncherError;

#define RD_TYPE_CLIENT_LAUNCHER (rd_client_launcher_get_type ())
G_DECLARE_FINAL_TYPE (RdClientLauncher, rd_client_launcher, RD, CLIENT_LAUNCHER, GObject)

GQuark            rd_client_launcher_error_quark          (void);

RdClientLauncher *rd_client_launcher_new                  (void);
RdClientLauncher *rd_client_launcher_new_for_search_path  (const char         *search_path);
const char       *rd_client_launcher_get_program          (RdClientLauncher   *self);
const char       *rd_client_launcher_get_client_name      (RdClientLauncher   *self);
gboolean          rd_client_launcher_option_is_allowed    (const char         *option);
GStrv             rd_client_launcher_build_argv           (RdClientLauncher   *self,
                                                           RdTarget           *target,
                                                           const char         *option,
                                                           GError            **error);
GStrv             rd_client_launcher_build_argv_for_file  (RdClientLauncher   *self,
                                                           const char         *rdp_file,
                                                           GError            **error);
char             *rd_client_launcher_format_command_line  (const char * const *argv);
GSubprocess      *rd_client_launcher_spawn                (RdClientLauncher   *self,
                                                           const char * const *argv,
                                                           GError            **error);

G_END_DECLS
