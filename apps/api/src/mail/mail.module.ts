import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { createMailTransport } from './mail-transports';
import { MailService } from './mail.service';
import { MAIL_TRANSPORT, MailWorker } from './mail.worker';

/**
 * Mail for every feature: `MailService.enqueue` inside a unit of work, `MailWorker` sends.
 * Without `SMTP_URL` mail goes to `.eml` files under `DATA_DIR/mail/`.
 */
@Global()
@Module({
  providers: [
    {
      provide: MAIL_TRANSPORT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createMailTransport(config),
    },
    MailService,
    MailWorker,
  ],
  exports: [MailService, MailWorker],
})
export class MailModule {}
