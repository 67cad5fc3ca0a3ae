/* rd-catalog.h: the causes and their documented fixes, kept as data
 * (data/rd-causes.xml, compiled into the engine as a GResource)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rd-types.h"

G_BEGIN_DECLS

/* A command a fix step shows, copies or saves; {host} and {port} are filled
 * in, quoted for the shell. (Action arguments may also hold {address}, the
 * first resolved address, which whoever runs the action fills in.) @shell is "powershell" (for the
 * Windows host) or "sh" (this machine). Never translated. */
typedef struct
{
  char *shell;
  char *text;
} RdCatalogCommand;

/* A guided action: a button that does the mechanical part of a step. Every
 * step with a command also gets "copy" and goes into the saved server script;
 * these are the others. @argument depends on the type:
 *   "write-rdp"           .rdp settings to put in a corrected file ("key:type:value;…")
 *   "launch-client"       FreeRDP options to add ("/sec:rdp")
 *   "flush-dns"           none: flush this machine's DNS cache (systemd-resolved)
 *   "forget-certificate"  none: remove the client's cached certificate for the host
 *   "open-documentation"  the URL
 *   "evidence-script"     none: save the read-only server evidence script */
typedef struct
{
  char *type;
  char *argument;    /* nullable */
} RdCatalogAction;

typedef struct
{
  char             *text;      /* translated */
  RdCatalogCommand *command;   /* nullable */
  GPtrArray        *actions;   /* RdCatalogAction */
} RdCatalogStep;

typedef struct
{
  char      *id;
  char      *title;            /* translated */
  char      *requires;         /* nullable: a condition the evidence must meet
                                  ("restricted-admin": the server advertises it) */
  GPtrArray *steps;            /* RdCatalogStep */
} RdCatalogFix;

typedef struct
{
  char      *id;
  char      *title;            /* translated */
  char      *explanation;      /* translated */
  GStrv      recheck;          /* the check ids that tell whether it is fixed */
  GPtrArray *fixes;            /* RdCatalogFix */
} RdCatalogCause;

#define RD_TYPE_CATALOG (rd_catalog_get_type ())
G_DECLARE_FINAL_TYPE (RdCatalog, rd_catalog, RD, CATALOG, GObject)

RdCatalog            *rd_catalog_get_default   (void);
RdCatalog            *rd_catalog_new_from_data (GBytes      *xml,
                                                GError     **error);
const RdCatalogCause *rd_catalog_lookup        (RdCatalog   *self,
                                                const char  *cause_id);
GPtrArray            *rd_catalog_get_causes    (RdCatalog   *self);

gboolean              rd_catalog_action_type_is_known (const char *type);
char                 *rd_catalog_command_render (const RdCatalogCommand *command,
                                                 RdTarget               *target);
char                 *rd_shell_quote           (const char             *shell,
                                                const char             *text);

G_END_DECLS
