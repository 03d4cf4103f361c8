// The <script>-tag entry: the global `Knowledgetalk` is the class itself, as in the original SDK.
import { Knowledgetalk } from './knowledgetalk';

export default Knowledgetalk;
