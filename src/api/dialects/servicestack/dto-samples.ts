import { quoteJsv } from '../../formats/jsv-writer.js';
import type { ResponseFormat } from '../../formats/negotiation.js';
import { type DtoMemberType, type DtoType, type JsonCase, wireMembers } from './dto-model.js';
import { type DtoValue, writeDto } from './dto-writer.js';

const ZERO_GUID = '0'.repeat(32);

/**
 * A type's sample value as ServiceStack's metadata pages show it: `String` for text, `false`,
 * the all-zero GUID, one item per list, and a `ResponseStatus` with every member set.
 */
export function sampleValue(type: DtoType): DtoValue {
  const out: Record<string, unknown> = {};
  for (const member of wireMembers(type)) out[member.name] = sampleMember(member.type);
  return out;
}

function sampleMember(type: DtoMemberType): unknown {
  switch (type) {
    case 'string':
      return 'String';
    case 'bool':
      return false;
    case 'Guid':
      return ZERO_GUID;
  }
  switch (type.kind) {
    case 'object':
      return sampleValue(type.type);
    case 'list':
      return [sampleValue(type.type)];
    case 'responseStatus': {
      const meta = { String: 'String' };
      return {
        ErrorCode: 'String',
        Message: 'String',
        StackTrace: 'String',
        Errors: [{ ErrorCode: 'String', FieldName: 'String', Message: 'String', Meta: meta }],
        Meta: meta,
      };
    }
  }
}

/**
 * A DTO's sample body for display, in `format`: JSON indented, JSV in the indented form of
 * ServiceStack's `JsvFormatter` (what seed 001 shows), XML one element per line without the
 * declaration. Display only: the wire carries the compact forms.
 */
export function sampleBody(format: ResponseFormat, type: DtoType, jsonCase: JsonCase): string {
  const compact = writeDto(format, type, sampleValue(type), jsonCase);
  switch (format) {
    case 'json':
      return JSON.stringify(JSON.parse(compact), null, 2);
    case 'jsv':
      return indentJsv(JSON.parse(writeDto('json', type, sampleValue(type), 'declared')));
    case 'xml':
      return compact.replace(/^<\?xml[^>]*\?>/, '').replace(/></g, '>\n<');
  }
}

/** `JsvFormatter.Format`'s layout: one member per line, tabs, `Key: ` then a nested value on its own line. */
function indentJsv(value: unknown, depth = 0): string {
  const pad = '\t'.repeat(depth);
  const inner = '\t'.repeat(depth + 1);
  if (Array.isArray(value)) {
    return `[\n${value.map((item) => inner + indentJsv(item, depth + 1)).join(',\n')}\n${pad}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const lines = Object.entries(value).map(([key, member]) => {
      const nested = typeof member === 'object' && member !== null;
      return `${inner}${quoteJsv(key)}: ${nested ? `\n${inner}` : ''}${indentJsv(member, depth + 1)}`;
    });
    return `{\n${lines.join(',\n')}\n${pad}}`;
  }
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return quoteJsv(String(value));
}
