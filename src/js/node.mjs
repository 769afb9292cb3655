// Node ESM entry: the same instance as require('talkover-client').
import cjs from './node.cjs';

export const { TalkoverClient, TalkoverError, isTalkoverError } = cjs;
