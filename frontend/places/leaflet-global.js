// leaflet.markercluster extends the global `L`: set it before the plugin's module runs (imports run in order).
import L from "leaflet";

window.L = L;
export default L;
