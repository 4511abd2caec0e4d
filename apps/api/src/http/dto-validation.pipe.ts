import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { unusableInput, validateDto } from '#domain';

/** Validates @Body()/@Query() against the operation's DTO class through the shared path MCP also uses. */
@Injectable()
export class DtoValidationPipe implements PipeTransform {
  async transform(value: unknown, meta: ArgumentMetadata): Promise<unknown> {
    // Path parameters have no DTO, but an id that cannot be stored cannot be looked up either (PostgreSQL refuses NUL).
    if (meta.type === 'param') {
      const unusable = unusableInput(value, meta.data ?? 'path', 0);
      if (unusable) throw unusable;
      return value;
    }
    const cls = meta.metatype;
    if ((meta.type !== 'body' && meta.type !== 'query') || !cls || [Object, String, Number, Boolean, Array].includes(cls as never))
      return value;
    return validateDto(cls as new () => object, value);
  }
}
