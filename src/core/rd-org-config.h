/* rd-org-config.h: the organisation's defaults, set by IT staff without a rebuild
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rd-types.h"

G_BEGIN_DECLS

/* The GSettings schema that holds the organisation keys (data/APP_ID.gschema.xml). */
#define RD_ORG_CONFIG_SCHEMA_ID "io.github.rdpdoctor.RdpDoctor"

/* Overrides the key file's location (tests, or a file next to a Flatpak). */
#define RD_ORG_CONFIG_ENV "RD_ORG_CONFIG"

#define RD_TYPE_ORG_CONFIG (rd_org_config_get_type ())
G_DECLARE_FINAL_TYPE (RdOrgConfig, rd_org_config, RD, ORG_CONFIG, GObject)

RdOrgConfig *rd_org_config_new                  (void);
RdOrgConfig *rd_org_config_load                 (GSettings   *settings,
                                                 const char  *key_file_path);
RdOrgConfig *rd_org_config_load_default         (void);
char        *rd_org_config_dup_default_path     (void);
GSettings   *rd_org_config_lookup_settings      (void);

void         rd_org_config_apply_settings       (RdOrgConfig *self,
                                                 GSettings   *settings);
void         rd_org_config_apply_key_file       (RdOrgConfig *self,
                                                 const char  *path);

const char  *rd_org_config_get_default_gateway  (RdOrgConfig *self);
guint16      rd_org_config_get_default_port     (RdOrgConfig *self);
const char  *rd_org_config_get_helpdesk_name    (RdOrgConfig *self);
const char  *rd_org_config_get_helpdesk_contact (RdOrgConfig *self);
const char  *rd_org_config_get_helpdesk_url     (RdOrgConfig *self);
gboolean     rd_org_config_has_helpdesk         (RdOrgConfig *self);
const char  *rd_org_config_get_report_endpoint  (RdOrgConfig *self);
gboolean     rd_org_config_get_redact_reports   (RdOrgConfig *self);
const char  *rd_org_config_get_cause_note       (RdOrgConfig *self,
                                                 const char  *cause_id);
GStrv        rd_org_config_dup_noted_causes     (RdOrgConfig *self);
const char  *rd_org_config_get_origin           (RdOrgConfig *self,
                                                 const char  *key);

G_END_DECLS
