import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'kdv:public';

/** Routes that need no API key: health, metrics, docs, the Meta webhook (it has its own signature check). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
