export { mediaConvertModule, type MediaConvertService } from './module';
