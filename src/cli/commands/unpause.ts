export { unpauseCommand as command } from './pause';
