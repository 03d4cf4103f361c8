// The <script>-tag entry: the global `PrivacyMode` is the class itself, as the original's privacyMode.js.
import { PrivacyMode } from './index';

export default PrivacyMode;
