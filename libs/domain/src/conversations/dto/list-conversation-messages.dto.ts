import { PageQueryDto } from '../../common/page-query.dto.js';

/** Messages of one conversation, newest first. */
export class ListConversationMessagesDto extends PageQueryDto {}
