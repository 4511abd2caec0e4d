import { PageQueryDto } from '../../common/page-query.dto.js';

/** Notes of one contact, newest first. */
export class ListContactNotesDto extends PageQueryDto {}
