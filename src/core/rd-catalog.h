/* rd-catalog.h: the causes and their documented fixes, kept as data
 * (data/rd-causes.xml, compiled into the engine as a GResource)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rd-types.h"

G_BEGIN_DECLS

/* A command a fix step shows, copies or saves. @shell is "powershell" (for the
 * Windows host) or "sh" (this machine). Never translated. */
typedef struct
{
  char *shell;
  char *text;
} RdCatalogCommand;

typedef struct
{
  char             *text;      /* translated */
  RdCatalogCommand *command;   /* nullable */
} RdCatalogStep;

typedef struct
{
  char      *id;
  char      *title;            /* translated */
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

char                 *rd_catalog_command_render (const RdCatalogCommand *command,
                                                 RdTarget               *target);
char                 *rd_shell_quote           (const char             *shell,
                                                const char             *text);

G_END_DECLS
