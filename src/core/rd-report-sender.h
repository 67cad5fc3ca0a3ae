/* rd-report-sender.h: hands a report to the organisation's help desk over HTTPS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rd-types.h"

G_BEGIN_DECLS

#define RD_REPORT_SENDER_DEFAULT_TIMEOUT 30   /* seconds */

#define RD_REPORT_SENDER_ERROR (rd_report_sender_error_quark ())

/**
 * RdReportSenderError:
 * @RD_REPORT_SENDER_ERROR_NO_ENDPOINT: the organisation set no report endpoint
 * @RD_REPORT_SENDER_ERROR_INVALID_ENDPOINT: the endpoint is not an https:// address
 * @RD_REPORT_SENDER_ERROR_OUTBOX: the report could not be kept in the outbox; nothing was sent
 * @RD_REPORT_SENDER_ERROR_HTTP: the server answered, but not with 2xx
 * @RD_REPORT_SENDER_ERROR_TIMEOUT: the server did not answer in time
 * @RD_REPORT_SENDER_ERROR_CERTIFICATE: the server's certificate was refused; nothing was sent
 * @RD_REPORT_SENDER_ERROR_NETWORK: the server could not be reached
 * @RD_REPORT_SENDER_ERROR_FAILED: anything else
 *
 * On every error but the first three, the report stays in the outbox and
 * rd_report_sender_flush_outbox_async() sends it later.
 */
typedef enum
{
  RD_REPORT_SENDER_ERROR_NO_ENDPOINT,
  RD_REPORT_SENDER_ERROR_INVALID_ENDPOINT,
  RD_REPORT_SENDER_ERROR_OUTBOX,
  RD_REPORT_SENDER_ERROR_HTTP,
  RD_REPORT_SENDER_ERROR_TIMEOUT,
  RD_REPORT_SENDER_ERROR_CERTIFICATE,
  RD_REPORT_SENDER_ERROR_NETWORK,
  RD_REPORT_SENDER_ERROR_FAILED,
} RdReportSenderError;

/**
 * RdReportSendStage:
 * @RD_REPORT_SEND_STAGE_SAVED: the report is in the outbox
 * @RD_REPORT_SEND_STAGE_CONNECTING: connecting to the server
 * @RD_REPORT_SEND_STAGE_SENDING: sending; the fraction says how much went
 * @RD_REPORT_SEND_STAGE_WAITING: all sent; waiting for the server's answer
 * @RD_REPORT_SEND_STAGE_DONE: the server accepted it and it left the outbox
 *
 * The stages of #RdReportSender::progress, in order.
 */
typedef enum
{
  RD_REPORT_SEND_STAGE_SAVED,
  RD_REPORT_SEND_STAGE_CONNECTING,
  RD_REPORT_SEND_STAGE_SENDING,
  RD_REPORT_SEND_STAGE_WAITING,
  RD_REPORT_SEND_STAGE_DONE,
} RdReportSendStage;

#define RD_TYPE_REPORT_SENDER (rd_report_sender_get_type ())
G_DECLARE_FINAL_TYPE (RdReportSender, rd_report_sender, RD, REPORT_SENDER, GObject)

GQuark          rd_report_sender_error_quark       (void);

RdReportSender *rd_report_sender_new               (const char          *endpoint);
const char     *rd_report_sender_get_endpoint      (RdReportSender      *self);
guint           rd_report_sender_get_timeout       (RdReportSender      *self);
void            rd_report_sender_set_timeout       (RdReportSender      *self,
                                                    guint                seconds);
const char     *rd_report_sender_get_outbox_dir    (RdReportSender      *self);
void            rd_report_sender_set_outbox_dir    (RdReportSender      *self,
                                                    const char          *path);
GTlsDatabase   *rd_report_sender_get_tls_database  (RdReportSender      *self);
void            rd_report_sender_set_tls_database  (RdReportSender      *self,
                                                    GTlsDatabase        *database);

void            rd_report_sender_send_async        (RdReportSender      *self,
                                                    JsonNode            *report,
                                                    gboolean             redact,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean        rd_report_sender_send_finish       (RdReportSender      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void            rd_report_sender_flush_outbox_async (RdReportSender     *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean        rd_report_sender_flush_outbox_finish (RdReportSender    *self,
                                                    GAsyncResult        *result,
                                                    guint               *n_sent,
                                                    GError             **error);
GStrv           rd_report_sender_list_outbox       (RdReportSender      *self);

G_END_DECLS
