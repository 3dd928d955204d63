export { textractModule, type TextractService } from './module';
